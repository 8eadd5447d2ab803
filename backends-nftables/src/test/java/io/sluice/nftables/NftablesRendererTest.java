package io.sluice.nftables;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import io.sluice.nftables.model.Field;
import io.sluice.nftables.model.Mark;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Value;
import io.sluice.nftables.render.LocalTraffic;
import io.sluice.nftables.render.NftablesRenderOptions;
import io.sluice.nftables.render.NftablesRenderer;
import io.sluice.nftables.sync.CommittedState;
import io.sluice.nftables.sync.SyncPlanner;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static io.sluice.nftables.Snapshots.clusterIP;
import static io.sluice.nftables.Snapshots.ep;
import static io.sluice.nftables.Snapshots.nodePort;
import static org.assertj.core.api.Assertions.assertThat;

/** Behaviour of the pure renderer beyond upstream's vectors: families, node-port addresses, policies, bad input. */
class NftablesRendererTest {
    private static final LocalTraffic POD_CIDR_V4 = new LocalTraffic(Field.SADDR, new Value.Prefix("10.244.0.0/16"));
    private static final LocalTraffic POD_CIDR_V6 = new LocalTraffic(Field.SADDR, new Value.Prefix("fd00:244::/48"));

    private static NftablesRenderOptions v4(List<String> nodePortAddresses) {
        return new NftablesRenderOptions(NftFamily.IP, Snapshots.NODE, Mark.ofBit(14), false, POD_CIDR_V4,
                nodePortAddresses);
    }

    private static String fullSync(NftablesRenderOptions o, ProxySnapshot s) {
        return fullSync(o, s, new RecordingMetrics());
    }

    private static String fullSync(NftablesRenderOptions o, ProxySnapshot s, RecordingMetrics m) {
        return SyncPlanner.plan(new NftablesRenderer(o, m).render(s), CommittedState.EMPTY, true, false, Set.of(),
                Set.of(), Set.of(), Instant.EPOCH).transaction().text();
    }

    @Test
    void nodePortsDefaultToThePrimaryNodeIpAndNeverLoopback() {
        ProxySnapshot s = new Snapshots().nodeAddresses("192.168.0.2", "192.168.1.2", "127.0.0.1")
                .service(nodePort("ns", "np", 30080, TrafficPolicy.Cluster, "10.96.0.5"), ep("10.244.1.1", "node-b"))
                .build();

        String primary = fullSync(v4(List.of()), s);
        assertThat(primary).contains("add element ip kube-proxy nodeport-ips { 192.168.0.2 }\n")
                .doesNotContain("nodeport-ips { 192.168.1.2 }")
                .contains("add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports\n")
                .contains("add element ip kube-proxy service-nodeports { tcp . 30080 : goto external-");

        String cidrs = fullSync(v4(List.of("192.168.0.0/16", "127.0.0.0/8")), s);
        assertThat(cidrs).contains("nodeport-ips { 192.168.0.2 }").contains("nodeport-ips { 192.168.1.2 }")
                .doesNotContain("nodeport-ips { 127.0.0.1 }");
    }

    @Test
    void nodePortsOnEveryLocalAddressWhenTheListMatchesAll() {
        ProxySnapshot s = new Snapshots().service(nodePort("ns", "np", 30080, TrafficPolicy.Cluster, "10.96.0.5"),
                ep("10.244.1.1", "node-b")).build();

        String all = fullSync(v4(List.of("0.0.0.0/0")), s);

        assertThat(all).contains("add set ip kube-proxy nodeport-ips { type ipv4_addr ; comment \"IPs that accept NodePort traffic\" ; }\n"
                        + "delete set ip kube-proxy nodeport-ips\n")
                .contains("add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports\n")
                .contains("add rule ip kube-proxy nodeport-endpoints-check ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports\n");
        // Only IPv6 CIDRs given: the IPv4 table matches everything, as NewNodePortAddresses falls back.
        assertThat(fullSync(v4(List.of("2001:db8::/64")), s)).contains("delete set ip kube-proxy nodeport-ips\n");
    }

    @Test
    void ipv6TablesUseIp6TypesAndBracketedDnatTargets() {
        ServicePort sp = new ServicePort(Snapshots.spn("ns", "aff", "http"), ServiceType.ClusterIP, List.of("fd00::20"),
                80, 0, List.of(), List.of(), List.of(), TrafficPolicy.Cluster, TrafficPolicy.Cluster,
                new SessionAffinity(600), 0, "");
        ProxySnapshot s = new Snapshots().nodeAddresses("2001:db8::2")
                .service(sp, ep("fd00:244::5", Snapshots.NODE)).build();
        NftablesRenderOptions o = new NftablesRenderOptions(NftFamily.IP6, Snapshots.NODE, Mark.ofBit(14), false,
                POD_CIDR_V6, List.of());

        String t = fullSync(o, s);

        String base = "GTK6MW7G";
        assertThat(t).startsWith("add table ip6 kube-proxy")
                .contains("add set ip6 kube-proxy hairpin-connections { type ipv6_addr . ipv6_addr . inet_proto . inet_service ;")
                .contains("add rule ip6 kube-proxy services ip6 daddr @cluster-ips ip6 saddr != fd00:244::/48 mark set mark or 0x00004000 comment \"masquerade clusterIP traffic from outside cluster\"\n")
                .contains("add element ip6 kube-proxy nodeport-ips { 2001:db8::2 }\n")
                .contains("flags dynamic,timeout ; timeout 600s ; }")
                .contains("meta l4proto tcp dnat to [fd00:244::5]:8080\n")
                .contains("__fd00.244..5/8080 { ip6 saddr }\n")
                .doesNotContain(base);
    }

    @Test
    void masqueradeAllMarksEveryClusterIpPacket() {
        NftablesRenderOptions o = new NftablesRenderOptions(NftFamily.IP, Snapshots.NODE, Mark.ofBit(14), true,
                LocalTraffic.NONE, List.of());
        assertThat(fullSync(o, new Snapshots().build()))
                .contains("add rule ip kube-proxy services ip daddr @cluster-ips mark set mark or 0x00004000 comment \"masquerade all clusterIP traffic\"\n");
        NftablesRenderOptions noDetector = new NftablesRenderOptions(NftFamily.IP, Snapshots.NODE, Mark.ofBit(14),
                false, LocalTraffic.NONE, List.of());
        assertThat(fullSync(noDetector, new Snapshots().build())).doesNotContain("masquerade clusterIP traffic");
    }

    @Test
    void localPoliciesUseLocalEndpointsAndDropWhenThereAreNone() {
        ServicePort itpLocal = new ServicePort(Snapshots.spn("ns", "itp", "http"), ServiceType.ClusterIP,
                List.of("10.96.0.7"), 80, 0, List.of(), List.of(), List.of(), TrafficPolicy.Cluster,
                TrafficPolicy.Local, SessionAffinity.NONE, 0, "");
        ProxySnapshot s = new Snapshots()
                .service(nodePort("ns", "etp", 30090, TrafficPolicy.Local, "10.96.0.6"),
                        ep("10.244.1.1", Snapshots.NODE), ep("10.244.2.1", "node-b"))
                .service(itpLocal, ep("10.244.2.2", "node-b"))
                .build();
        RecordingMetrics m = new RecordingMetrics();

        String t = fullSync(v4(List.of()), s, m);

        String etp = NftablesBackendTest.hashOf("ns/etp/tcp/http") + "-ns/etp/tcp/http";
        assertThat(t).contains("add rule ip kube-proxy external-" + etp + " ip saddr 10.244.0.0/16 goto service-" + etp + " comment \"short-circuit pod traffic\"\n")
                .contains("add rule ip kube-proxy external-" + etp + " goto local-" + etp + "\n")
                .contains("add rule ip kube-proxy local-" + etp + " meta l4proto tcp dnat ip addr . port to numgen random mod 1 map { 0 : 10.244.1.1 . 8080 }\n")
                .contains("add rule ip kube-proxy service-" + etp + " meta l4proto tcp dnat ip addr . port to numgen random mod 2 map { 0 : 10.244.1.1 . 8080 , 1 : 10.244.2.1 . 8080 }\n")
                .contains("add element ip kube-proxy no-endpoint-services { 10.96.0.7 . tcp . 80 comment \"ns/itp:http\" : drop }\n")
                .doesNotContain("local-" + NftablesBackendTest.hashOf("ns/itp/tcp/http"));
        assertThat(m.get("noLocal/internal/IPv4")).isZero(); // the renderer counts; the backend exports
    }

    @Test
    void terminatingEndpointsServeWhenNoneIsReadyAndNoEndpointsRejects() {
        ProxySnapshot s = new Snapshots()
                .service(clusterIP("ns", "term", "10.96.0.8"), Snapshots.terminating("10.244.3.3", "node-b"))
                .service(clusterIP("ns", "none", "10.96.0.9"))
                .build();

        String t = fullSync(v4(List.of()), s);

        assertThat(t).contains("map { 0 : 10.244.3.3 . 8080 }")
                .contains("add element ip kube-proxy no-endpoint-services { 10.96.0.9 . tcp . 80 comment \"ns/none:http\" : goto reject-chain }\n")
                .contains("add element ip kube-proxy cluster-ips { 10.96.0.9 }\n");
    }

    @Test
    void zoneHintsKeepOnlyTheEndpointsForThisZone() {
        ServicePort sp = clusterIP("ns", "topo", "10.96.0.10");
        Endpoint near = new Endpoint("10.244.1.1", 8080, true, true, false, "node-b", "zone-a", Set.of("zone-a"), Set.of());
        Endpoint far = new Endpoint("10.244.2.1", 8080, true, true, false, "node-c", "zone-b", Set.of("zone-b"), Set.of());
        NodeInfo node = new NodeInfo(Snapshots.NODE, List.of("192.168.0.2"),
                new TreeMap<>(java.util.Map.of(NodeInfo.ZONE_LABEL, "zone-a")), false);
        ProxySnapshot s = new Snapshots().node(node).service(sp, near, far).build();

        assertThat(fullSync(v4(List.of()), s)).contains("map { 0 : 10.244.1.1 . 8080 }").doesNotContain("10.244.2.1 . 8080");
    }

    @Test
    void serviceCidrsOfTheFamilyBecomeTheDropRule() {
        ProxySnapshot s = new Snapshots().serviceCIDRs("10.96.0.0/16", "10.100.0.0/16", "fd00:96::/112").build();
        assertThat(fullSync(v4(List.of()), s)).contains("add rule ip kube-proxy cluster-ips-check ip daddr { 10.100.0.0/16,10.96.0.0/16 } drop comment \"Drop traffic to unallocated ClusterIPs\"\n");
        assertThat(fullSync(v4(List.of()), new Snapshots().serviceCIDRs().build())).doesNotContain("Drop traffic");
    }

    @Test
    void loadBalancerSourceRangesAllowTheNodeItselfWhenItIsInside() {
        ServicePort lb = new ServicePort(Snapshots.spn("ns", "lb", "http"), ServiceType.LoadBalancer,
                List.of("10.96.0.11"), 80, 30111, List.of(), List.of("203.0.113.7"),
                List.of("192.168.0.0/24", "198.51.100.0/24"), TrafficPolicy.Cluster, TrafficPolicy.Cluster,
                SessionAffinity.NONE, 0, "");
        ProxySnapshot s = new Snapshots().service(lb, ep("10.244.1.1", "node-b")).build();

        String fw = "firewall-" + NftablesBackendTest.hashOf("ns/lb/tcp/http") + "-ns/lb/tcp/http";
        assertThat(fullSync(v4(List.of()), s))
                .contains("add rule ip kube-proxy " + fw + " ip saddr != { 192.168.0.0/24 , 198.51.100.0/24 , 203.0.113.7 } drop\n")
                .contains("add element ip kube-proxy firewall-ips { 203.0.113.7 . tcp . 80 : goto " + fw + " }\n");
    }

    @Test
    void aServicePortWhoseNamesCannotBeWrittenIsSkippedAlone() {
        ServicePort bad = new ServicePort(ServicePortName.of("ns", "evil", "x\" ; flush ruleset", Protocol.TCP),
                ServiceType.ClusterIP, List.of("10.96.0.12"), 80, 0, List.of(), List.of(), List.of(),
                TrafficPolicy.Cluster, TrafficPolicy.Cluster, SessionAffinity.NONE, 0, "");
        ProxySnapshot s = new Snapshots().service(bad, ep("10.244.1.1", "node-b"))
                .service(clusterIP("ns", "good", "10.96.0.13"), ep("10.244.1.2", "node-b")).build();
        RecordingMetrics m = new RecordingMetrics();

        String t = fullSync(v4(List.of()), s, m);

        assertThat(t).doesNotContain("evil").doesNotContain("10.96.0.12").doesNotContain("flush ruleset")
                .contains("10.96.0.13");
        assertThat(m.get("invalid/Service/nftables-name")).isEqualTo(1);
    }

    @Test
    void elementCommentsAreCutTo128Bytes() {
        String ns = "n".repeat(63);
        String name = "s".repeat(63);
        ServicePort sp = new ServicePort(ServicePortName.of(ns, name, "http", Protocol.TCP), ServiceType.ClusterIP,
                List.of("10.96.0.14"), 80, 0, List.of(), List.of(), List.of(), TrafficPolicy.Cluster,
                TrafficPolicy.Cluster, SessionAffinity.NONE, 0, "");
        String t = fullSync(v4(List.of()), new Snapshots().service(sp).build());

        String full = ns + "/" + name + ":http";
        assertThat(full).hasSize(132);
        assertThat(t).contains("comment \"" + full.substring(0, 128) + "\" : goto reject-chain }").doesNotContain(full);
    }
}
