package io.sluice.ipvs;

import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.ipvs.DesiredIpvsState.DesiredIpset;
import io.sluice.ipvs.ipset.KubeIpsets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;

import static io.sluice.ipvs.Snap.ep;
import static io.sluice.ipvs.Snap.local;
import static io.sluice.ipvs.Snap.svc;
import static org.assertj.core.api.Assertions.assertThat;

class IpvsPlannerTest {

    private static DesiredIpvsState plan(ProxyConfig cfg, ProxySnapshot s, IpFamily f, String... localAddrs) {
        return new IpvsPlanner(cfg, true).plan(s, f, HostFacts.of(Set.of(localAddrs)));
    }

    private static DesiredIpvsState plan(ProxySnapshot s, String... localAddrs) {
        return plan(TestConfigs.ipvs(), s, IpFamily.IPv4, localAddrs);
    }

    private static SortedSet<String> set(DesiredIpvsState d, String baseName) {
        return d.ipsets().stream().filter(s -> s.spec().baseName().equals(baseName)).findFirst()
                .map(DesiredIpset::entries).orElseThrow();
    }

    private static VirtualServer vs(DesiredIpvsState d, String ip, Protocol p, int port) {
        var v = d.virtualServers().get(new VirtualServer.Key(ip, p, port));
        return v == null ? null : v.virtualServer();
    }

    private static List<RealServer> rs(DesiredIpvsState d, String ip, Protocol p, int port) {
        return d.virtualServers().get(new VirtualServer.Key(ip, p, port)).realServers();
    }

    @Test
    void clusterIpGetsBoundVirtualServerWithEveryReadyEndpoint() {
        DesiredIpvsState d = plan(Snap.create()
                .add(svc("ns1", "svc1").clusterIP("172.30.0.41"), local("10.180.0.1", 8080), ep("10.180.0.2", 8080))
                .build(), Snap.NODE_IP);

        assertThat(d.virtualServers()).hasSize(1);
        assertThat(vs(d, "172.30.0.41", Protocol.TCP, 80))
                .isEqualTo(new VirtualServer("172.30.0.41", Protocol.TCP, 80, "rr", 0, 0));
        assertThat(rs(d, "172.30.0.41", Protocol.TCP, 80))
                .containsExactly(RealServer.of("10.180.0.1", 8080), RealServer.of("10.180.0.2", 8080));
        assertThat(d.bindAddresses()).containsExactly("172.30.0.41");
        assertThat(set(d, KubeIpsets.CLUSTER_IP)).containsExactly("172.30.0.41,tcp:80");
        assertThat(set(d, KubeIpsets.LOOP_BACK)).containsExactly("10.180.0.1,tcp:8080,10.180.0.1");
        assertThat(set(d, KubeIpsets.IPVS_IPS)).containsExactly("172.30.0.41");
        // No local detector configured: node-originated VIP sources are masqueraded.
        assertThat(d.iptables()).contains("-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip"
                + " + port for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP src,dst -j KUBE-MARK-MASQ\n");
        assertThat(d.iptables()).contains("-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n");
    }

    @Test
    void clusterCidrDetectorMasqueradesOffClusterTraffic() {
        ProxyConfig cfg = TestConfigs.with("rr", List.of(), List.of(), List.of("10.0.0.0/8"), false);
        DesiredIpvsState d = plan(cfg, Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41"),
                ep("10.180.0.1", 80)).build(), IpFamily.IPv4);
        assertThat(d.iptables()).contains("--match-set KUBE-CLUSTER-IP dst,dst ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ\n");
    }

    /**
     * kube-proxy pkg/proxy/ipvs/proxier.go writeIptablesRules masquerades off-node traffic with the shared local
     * detector; with detectLocalMode NodeCIDR that is the Node's pod CIDR (spec.podCIDRs), not the cluster CIDR.
     */
    @Test
    void nodeCidrDetectorMasqueradesByTheNodesPodCidr() {
        ProxyConfig base = TestConfigs.with("rr", List.of(), List.of(), List.of("10.0.0.0/8"), false);
        ProxyConfig cfg = new ProxyConfig(base.mode(), base.hostnameOverride(), base.clusterCIDRs(), "NodeCIDR",
                base.detectLocal(), base.nodePortAddresses(), base.iptables(), base.ipvs(), base.conntrack(),
                base.metricsBindAddress(), base.healthzBindAddress(), base.kubeconfig(), base.configSyncPeriod(),
                base.serviceProxyName());
        ProxySnapshot s = Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41"), ep("10.180.0.1", 80))
                .build();
        ProxySnapshot withPodCidr = new ProxySnapshot(s.services(), s.endpoints(),
                s.node().withPodCIDRs(List.of("10.0.7.0/24")));
        DesiredIpvsState d = plan(cfg, withPodCidr, IpFamily.IPv4);
        assertThat(d.iptables()).contains("--match-set KUBE-CLUSTER-IP dst,dst ! -s 10.0.7.0/24 -j KUBE-MARK-MASQ\n");
        assertThat(d.iptables()).doesNotContain("10.0.0.0/8");

        // A partial sync after the pod CIDR appears re-plans with the new detector (the scope changed).
        IpvsPlanner planner = new IpvsPlanner(cfg, true);
        HostFacts host = HostFacts.of(Set.of());
        IncrementalPlan p = IncrementalPlan.build(planner, s, IpFamily.IPv4, host);
        assertThat(p.iptables()).contains("--match-set KUBE-CLUSTER-IP src,dst -j KUBE-MARK-MASQ\n");
        assertThat(p.sameScope(withPodCidr, host)).isFalse();
    }

    /** NewNodePortAddresses: only CIDRs of the other family -> this family matches all local addresses. */
    @Test
    void nodePortAddressesOfTheOtherFamilyOnlyMatchEveryAddressOfThisFamily() {
        ProxyConfig cfg = TestConfigs.with("rr", List.of(), List.of("fd00::/64"), List.of(), false);
        ProxySnapshot s = Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41").nodePort(30001),
                ep("10.180.0.1", 80)).build();
        DesiredIpvsState d = plan(cfg, s, IpFamily.IPv4, Snap.NODE_IP, "10.9.9.9", "127.0.0.1");
        assertThat(vs(d, Snap.NODE_IP, Protocol.TCP, 30001)).isNotNull();
        assertThat(vs(d, "10.9.9.9", Protocol.TCP, 30001)).isNotNull();
        assertThat(vs(d, "127.0.0.1", Protocol.TCP, 30001)).isNull();
    }

    @Test
    void nodePortGetsOneUnboundVirtualServerPerNodeIp() {
        ProxySnapshot s = Snap.create()
                .add(svc("ns1", "tcp").clusterIP("172.30.0.41").nodePort(3001), ep("10.180.0.1", 80))
                .add(svc("ns1", "udp", "dns", Protocol.UDP).clusterIP("172.30.0.42").port(53).nodePort(3002),
                        ep("10.180.0.2", 53))
                .add(svc("ns1", "sctp", "s", Protocol.SCTP).clusterIP("172.30.0.43").nodePort(3003),
                        ep("10.180.0.3", 80))
                .build();
        DesiredIpvsState d = plan(s, "192.168.0.2", "10.0.0.5");

        assertThat(vs(d, "192.168.0.2", Protocol.TCP, 3001)).isNotNull();
        assertThat(vs(d, "10.0.0.5", Protocol.TCP, 3001)).isNotNull();
        assertThat(rs(d, "10.0.0.5", Protocol.TCP, 3001)).containsExactly(RealServer.of("10.180.0.1", 80));
        assertThat(vs(d, "192.168.0.2", Protocol.UDP, 3002)).isNotNull();
        assertThat(vs(d, "192.168.0.2", Protocol.SCTP, 3003)).isNotNull();
        assertThat(d.bindAddresses()).containsExactly("172.30.0.41", "172.30.0.42", "172.30.0.43");
        assertThat(set(d, KubeIpsets.NODE_PORT_TCP)).containsExactly("3001");
        assertThat(set(d, KubeIpsets.NODE_PORT_UDP)).containsExactly("3002");
        assertThat(set(d, KubeIpsets.NODE_PORT_SCTP)).containsExactly("10.0.0.5,sctp:3003", "192.168.0.2,sctp:3003");
        assertThat(set(d, KubeIpsets.NODE_PORT_LOCAL_TCP)).isEmpty();
        assertThat(d.iptables()).contains("-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP"
                + " port for masquerade purpose\" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ\n");
        assertThat(d.iptables()).contains("-A KUBE-NODE-PORT -p sctp -m comment --comment \"Kubernetes nodeport SCTP"
                + " port for masquerade purpose with type 'hash ip:port'\" -m set --match-set KUBE-NODE-PORT-SCTP-HASH"
                + " dst,dst -j KUBE-MARK-MASQ\n");
    }

    @Test
    void nodePortAddressesRestrictTheNodeIps() {
        ProxyConfig cfg = TestConfigs.with("rr", List.of(), List.of("192.168.0.0/24"), List.of(), false);
        DesiredIpvsState d = plan(cfg, Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41").nodePort(3001),
                ep("10.180.0.1", 80)).build(), IpFamily.IPv4, "192.168.0.2", "10.0.0.5");
        assertThat(d.virtualServers().keySet()).extracting(VirtualServer.Key::address)
                .containsExactly("172.30.0.41", "192.168.0.2");
    }

    @Test
    void externalIpsAreBoundUnlessLocalElsewhere() {
        DesiredIpvsState d = plan(Snap.create()
                .add(svc("ns1", "svc1").clusterIP("172.30.0.41").externalIPs("192.168.99.11", "192.168.0.2"),
                        ep("10.180.0.1", 80))
                .add(svc("ns2", "svc2").clusterIP("172.30.0.42").externalIPs("192.168.99.22").etpLocal(),
                        ep("10.180.0.2", 80))
                .build(), Snap.NODE_IP);

        assertThat(vs(d, "192.168.99.11", Protocol.TCP, 80)).isNotNull();
        assertThat(vs(d, "192.168.0.2", Protocol.TCP, 80)).isNotNull();
        assertThat(d.bindAddresses()).containsExactly("172.30.0.41", "172.30.0.42", "192.168.99.11",
                "192.168.99.22");
        assertThat(set(d, KubeIpsets.EXTERNAL_IP)).containsExactly("192.168.0.2,tcp:80", "192.168.99.11,tcp:80");
        assertThat(set(d, KubeIpsets.EXTERNAL_IP_LOCAL)).containsExactly("192.168.99.22,tcp:80");
        assertThat(d.iptables()).contains("--match-set KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ\n")
                .contains("--match-set KUBE-EXTERNAL-IP dst,dst -m physdev ! --physdev-is-in -m addrtype ! --src-type"
                        + " LOCAL -j ACCEPT\n")
                .contains("--match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -m addrtype --dst-type LOCAL -j ACCEPT\n")
                .doesNotContain("--match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j KUBE-MARK-MASQ");
    }

    @Test
    void loadBalancerSourceRangesAllowOrBlockTheNode() {
        DesiredIpvsState d = plan(Snap.create()
                .add(svc("ns1", "inside").clusterIP("172.30.0.41").nodePort(3001).loadBalancer("1.2.3.4")
                        .sourceRanges("192.168.0.0/24", "203.0.113.0/25"), ep("10.180.0.1", 80))
                .add(svc("ns2", "outside").clusterIP("172.30.0.42").nodePort(3002).loadBalancer("5.6.7.8")
                        .sourceRanges("203.0.113.0/25"), ep("10.180.0.2", 80))
                .build(), Snap.NODE_IP);

        assertThat(set(d, KubeIpsets.LOAD_BALANCER)).containsExactly("1.2.3.4,tcp:80", "5.6.7.8,tcp:80");
        assertThat(set(d, KubeIpsets.LOAD_BALANCER_FW)).containsExactly("1.2.3.4,tcp:80", "5.6.7.8,tcp:80");
        assertThat(set(d, KubeIpsets.LOAD_BALANCER_SOURCE_CIDR)).containsExactly(
                "1.2.3.4,tcp:80,192.168.0.0/24", "1.2.3.4,tcp:80,203.0.113.0/25", "5.6.7.8,tcp:80,203.0.113.0/25");
        assertThat(set(d, KubeIpsets.LOAD_BALANCER_SOURCE_IP)).containsExactly("1.2.3.4,tcp:80,1.2.3.4");
        assertThat(d.bindAddresses()).contains("1.2.3.4", "5.6.7.8");
        assertThat(d.iptables())
                .contains("-A KUBE-IPVS-OUT-FILTER -s 5.6.7.8 -m ipvs --vaddr 5.6.7.8 --vproto tcp --vport 80 -j DROP\n")
                .doesNotContain("--vaddr 1.2.3.4")
                .contains("-A KUBE-PROXY-FIREWALL -m comment --comment \"Kubernetes service load balancer ip + port"
                        + " for load balancer with sourceRange\" -m set --match-set KUBE-LOAD-BALANCER-FW dst,dst"
                        + " -j KUBE-SOURCE-RANGES-FIREWALL\n")
                .contains("-A KUBE-SOURCE-RANGES-FIREWALL -j DROP\n");
    }

    @Test
    void externalTrafficPolicyLocalUsesLocalEndpointsAndFallsBack() {
        DesiredIpvsState d = plan(Snap.create()
                .add(svc("ns1", "withlocal").clusterIP("172.30.0.41").nodePort(3001).loadBalancer("1.2.3.4")
                        .etpLocal().healthCheckNodePort(30000), local("10.180.0.1", 80), ep("10.180.0.2", 80))
                .add(svc("ns2", "nolocal").clusterIP("172.30.0.42").nodePort(3002).etpLocal(),
                        ep("10.180.0.3", 80))
                .build(), Snap.NODE_IP);

        assertThat(rs(d, "172.30.0.41", Protocol.TCP, 80)).hasSize(2);
        assertThat(rs(d, "1.2.3.4", Protocol.TCP, 80)).containsExactly(RealServer.of("10.180.0.1", 80));
        assertThat(rs(d, Snap.NODE_IP, Protocol.TCP, 3001)).containsExactly(RealServer.of("10.180.0.1", 80));
        // No local endpoint: cluster endpoints are used (kubernetes PR 97081) and the metric counts it.
        assertThat(rs(d, Snap.NODE_IP, Protocol.TCP, 3002)).containsExactly(RealServer.of("10.180.0.3", 80));
        assertThat(d.noLocalEndpointsExternal()).isEqualTo(1);
        assertThat(set(d, KubeIpsets.NODE_PORT_LOCAL_TCP)).containsExactly("3001", "3002");
        assertThat(set(d, KubeIpsets.LOAD_BALANCER_LOCAL)).containsExactly("1.2.3.4,tcp:80");
        assertThat(set(d, KubeIpsets.HEALTH_CHECK_NODE_PORT)).containsExactly("30000");
    }

    @Test
    void internalTrafficPolicyLocalUsesOnlyLocalEndpoints() {
        DesiredIpvsState d = plan(Snap.create()
                .add(svc("ns1", "withlocal").clusterIP("172.30.0.41").itpLocal(), local("10.180.0.1", 80),
                        ep("10.180.0.2", 80))
                .add(svc("ns2", "nolocal").clusterIP("172.30.0.42").itpLocal(), ep("10.180.0.3", 80))
                .build(), Snap.NODE_IP);

        assertThat(rs(d, "172.30.0.41", Protocol.TCP, 80)).containsExactly(RealServer.of("10.180.0.1", 80));
        // A ClusterIP-only service with iTP=Local never uses cluster endpoints: no real server at all.
        assertThat(rs(d, "172.30.0.42", Protocol.TCP, 80)).isEmpty();
        assertThat(d.noLocalEndpointsInternal()).isEqualTo(1);
    }

    @Test
    void clientIpAffinityMakesVirtualServersPersistent() {
        DesiredIpvsState d = plan(Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41").nodePort(3001)
                .affinity(10800), ep("10.180.0.1", 80)).build(), Snap.NODE_IP);
        assertThat(vs(d, "172.30.0.41", Protocol.TCP, 80).flags()).isEqualTo(VirtualServer.FLAG_PERSISTENT);
        assertThat(vs(d, "172.30.0.41", Protocol.TCP, 80).timeout()).isEqualTo(10800);
        assertThat(vs(d, Snap.NODE_IP, Protocol.TCP, 3001).timeout()).isEqualTo(10800);
    }

    @Test
    void maglevSchedulerSetsSourceHashFlag() {
        DesiredIpvsState d = plan(TestConfigs.scheduler("mh"), Snap.create()
                .add(svc("ns1", "svc1").clusterIP("172.30.0.41"), ep("10.180.0.1", 80))
                .add(svc("ns1", "sticky").clusterIP("172.30.0.42").affinity(60), ep("10.180.0.2", 80))
                .build(), IpFamily.IPv4);
        assertThat(vs(d, "172.30.0.41", Protocol.TCP, 80))
                .isEqualTo(new VirtualServer("172.30.0.41", Protocol.TCP, 80, "mh", VirtualServer.FLAG_SOURCE_HASH, 0));
        assertThat(vs(d, "172.30.0.42", Protocol.TCP, 80).flags())
                .isEqualTo(VirtualServer.FLAG_SOURCE_HASH | VirtualServer.FLAG_PERSISTENT);
    }

    @Test
    void ipv6UsesKube6SetNamesTruncatedTo31Characters() {
        ProxySnapshot s = Snap.create().nodeAddresses("fd00:10::2")
                .add(svc("ns1", "svc1").clusterIP("172.30.0.41", "fd00::41").nodePort(3001), ep("fd00:180::1", 80),
                        ep("10.180.0.1", 80))
                .add(svc("ns1", "sctp", "s", Protocol.SCTP).clusterIP("fd00::43").nodePort(3003).etpLocal(),
                        ep("fd00:180::3", 80))
                .build();
        DesiredIpvsState d = plan(TestConfigs.ipvs(), s, IpFamily.IPv6, "fd00:10::2");

        assertThat(d.virtualServers().keySet()).extracting(VirtualServer.Key::address)
                .containsExactly("fd00:10::2", "fd00:10::2", "fd00::41", "fd00::43");
        assertThat(rs(d, "fd00::41", Protocol.TCP, 80)).containsExactly(RealServer.of("fd00:180::1", 80));
        assertThat(d.ipsets()).extracting(x -> x.spec().name()).contains("KUBE-6-CLUSTER-IP",
                "KUBE-6-NODE-PORT-LOCAL-SCTP-HAS", "KUBE-6-LOAD-BALANCER-SOURCE-CID", "KUBE-6-IPVS-IPS")
                .allMatch(n -> n.length() <= 31);
        assertThat(set(d, KubeIpsets.NODE_PORT_LOCAL_SCTP)).containsExactly("fd00:10::2,sctp:3003");
        assertThat(set(d, KubeIpsets.CLUSTER_IP)).containsExactly("fd00::41,tcp:80", "fd00::43,sctp:80");
        assertThat(d.iptables()).startsWith("*nat\n").contains("-A KUBE-SERVICES -s ::1/128 -j RETURN\n")
                .contains("--match-set KUBE-6-CLUSTER-IP src,dst -j KUBE-MARK-MASQ\n");
    }

    @Test
    void serviceWithoutEndpointsGetsAnEmptyVirtualServer() {
        DesiredIpvsState d = plan(Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41")).build());
        assertThat(rs(d, "172.30.0.41", Protocol.TCP, 80)).isEmpty();
        assertThat(set(d, KubeIpsets.CLUSTER_IP)).containsExactly("172.30.0.41,tcp:80");
        assertThat(d.bindAddresses()).containsExactly("172.30.0.41");
    }

    @Test
    void servingTerminatingEndpointsAreTheFallback() {
        DesiredIpvsState d = plan(Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41"),
                Snap.terminating("10.180.0.1", 80, "node2"),
                new io.sluice.core.model.Endpoint("10.180.0.2", 80, false, false, true, "node2", "", Set.of(),
                        Set.of())).build());
        assertThat(rs(d, "172.30.0.41", Protocol.TCP, 80)).containsExactly(RealServer.of("10.180.0.1", 80));
    }

    @Test
    void iptablesPayloadHasUpstreamShape() {
        DesiredIpvsState d = plan(Snap.create().build());
        assertThat(d.iptables()).isEqualTo("""
                *nat
                :KUBE-SERVICES - [0:0]
                :KUBE-POSTROUTING - [0:0]
                :KUBE-NODE-PORT - [0:0]
                :KUBE-LOAD-BALANCER - [0:0]
                :KUBE-MARK-MASQ - [0:0]
                -A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN
                -A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT
                -A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ
                -A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
                -A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
                -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
                -A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
                COMMIT
                *filter
                :KUBE-FORWARD - [0:0]
                :KUBE-NODE-PORT - [0:0]
                :KUBE-PROXY-FIREWALL - [0:0]
                :KUBE-SOURCE-RANGES-FIREWALL - [0:0]
                :KUBE-IPVS-FILTER - [0:0]
                :KUBE-IPVS-OUT-FILTER - [0:0]
                -A KUBE-SOURCE-RANGES-FIREWALL -j DROP
                -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x00004000/0x00004000 -j ACCEPT
                -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                -A KUBE-NODE-PORT -m comment --comment "Kubernetes health check node port" -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN
                -A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT
                COMMIT
                """);
    }
}
