package io.sluice.app.netlab;

import static io.sluice.app.netlab.ClusterObjects.ep;
import static io.sluice.app.netlab.Replies.backends;
import static io.sluice.app.netlab.Replies.sources;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Real IPv6 packets through the nftables backend of a dual-stack node. kube-proxy's nftables mode runs one proxier
 * per family (pkg/proxy/nftables/proxier.go NewDualStackProxier), each with its own table: {@code ip kube-proxy} and
 * {@code ip6 kube-proxy}; EndpointSlices go to the family of their addressType. Services carry
 * {@code ipFamilies}/{@code clusterIPs} of both families, the Node an InternalIP of each family, and the ServiceCIDRs
 * one range per family. Failure messages carry {@code nft list table ip6 kube-proxy}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NftablesDualStackPacketFlowIT {
    private static final String DUAL = "\"ipFamilyPolicy\":\"RequireDualStack\",\"ipFamilies\":[\"IPv4\",\"IPv6\"],"
            + "\"clusterIPs\":[\"%s\",\"%s\"]";
    private static final String SINGLE6 = "\"ipFamilyPolicy\":\"SingleStack\",\"ipFamilies\":[\"IPv6\"],"
            + "\"clusterIPs\":[\"%s\"]";
    private static final String TCP80 = "[{\"name\":\"p\",\"port\":80,\"protocol\":\"TCP\"%s}]";
    private static final String WEB4 = "10.96.7.10";
    private static final String WEB6 = "fd00:96::10";
    private static final String EMPTY6 = "fd00:96::11";
    private static final String V6ONLY = "fd00:96::20";
    private static final String DNS6 = "fd00:96::53";
    private static final String NODEPORT6 = "fd00:96::30";
    private static final String LOCAL6 = "fd00:96::31";
    private static final String EXTERNAL6 = "fd00:60::100";
    private static final String LB6 = "2001:db8:100::10";
    private static final String STICKY6 = "fd00:96::42";
    /** An IPv6-only service whose one endpoint is pod-a, this node's pod. */
    private static final String SELF6 = "fd00:96::43";
    /** The node's IPv6 address on client2's link: not its primary IPv6 address. */
    private static final String NODE_SECONDARY_IP6 = "fd00:192:168:51::1";
    /** Inside the IPv6 ServiceCIDR, held by no Service; pod-c owns it (see {@link NetLab#routeToPod}). */
    private static final String UNALLOCATED6 = "fd00:96::200";
    private NetLab lab;
    private Path dir;
    private String a;
    private String b;
    private String c;
    private String a6;
    private String b6;
    private String c6;

    @BeforeAll
    void buildDualStackNodeAndSync(@TempDir Path tmp) throws Exception {
        PrivilegedTier.require("ip", "nft", "conntrack");
        dir = tmp;
        lab = NetLab.createDualStack("slnf6");
        a = lab.addPod("pod-a", 51, 8080);
        b = lab.addPod("pod-b", 52, 8080);
        c = lab.addPod("pod-c", 53, 8080);
        a6 = lab.podIp6("pod-a");
        b6 = lab.podIp6("pod-b");
        c6 = lab.podIp6("pod-c");
        lab.routeToPod("pod-c", UNALLOCATED6);
        Path config = SluiceCli.config(dir, "nftables", "10.244.0.0/16,fd00:10:244::/48", "");
        SluiceCli.syncOnce(lab, cluster().write(dir.resolve("objects.json")), config);
    }

    private ClusterObjects cluster() {
        return ClusterObjects.withNodeIps(NetLab.NODE_IP, NetLab.NODE_IP6)
                .serviceCidr("kubernetes", "10.96.0.0/16", "fd00:96::/112")
                .service("t", "web", WEB4, TCP80.formatted(""), DUAL.formatted(WEB4, WEB6), "")
                .slice("t", "web", "TCP", 8080, ep(a, "node-a"), ep(b, "node-b"), ep(c, "node-c"))
                .slice6("t", "web", "TCP", 8080, ep(a6, "node-a"), ep(b6, "node-b"), ep(c6, "node-c"))
                .service("t", "dns", "10.96.7.53", "[{\"name\":\"p\",\"port\":53,\"protocol\":\"UDP\"}]",
                        DUAL.formatted("10.96.7.53", DNS6), "")
                .slice("t", "dns", "UDP", 8080, ep(a, "node-a"))
                .slice6("t", "dns", "UDP", 8080, ep(a6, "node-a"), ep(b6, "node-b"))
                .service("t", "v6only", V6ONLY, TCP80.formatted(""), SINGLE6.formatted(V6ONLY), "")
                .slice6("t", "v6only", "TCP", 8080, ep(b6, "node-b"))
                .service("t", "nodeport", NODEPORT6, TCP80.formatted(",\"nodePort\":30080"), "\"type\":\"NodePort\","
                        + "\"ipFamilyPolicy\":\"RequireDualStack\",\"ipFamilies\":[\"IPv6\",\"IPv4\"],"
                        + "\"clusterIPs\":[\"" + NODEPORT6 + "\",\"10.96.7.30\"]", "")
                .slice("t", "nodeport", "TCP", 8080, ep(b, "node-b"), ep(c, "node-c"))
                .slice6("t", "nodeport", "TCP", 8080, ep(b6, "node-b"), ep(c6, "node-c"))
                .service("t", "local", LOCAL6, TCP80.formatted(",\"nodePort\":30082"), "\"type\":\"NodePort\","
                        + "\"externalTrafficPolicy\":\"Local\"," + SINGLE6.formatted(LOCAL6), "")
                .slice6("t", "local", "TCP", 8080, ep(a6, "node-a"), ep(b6, "node-b"))
                .service("t", "extip", "10.96.7.40", TCP80.formatted(""), DUAL.formatted("10.96.7.40", "fd00:96::40")
                        + ",\"externalIPs\":[\"192.168.60.100\",\"" + EXTERNAL6 + "\"]", "")
                .slice("t", "extip", "TCP", 8080, ep(c, "node-c"))
                .slice6("t", "extip", "TCP", 8080, ep(b6, "node-b"))
                .service("t", "lb", "10.96.7.41", TCP80.formatted(",\"nodePort\":30081"), "\"type\":\"LoadBalancer\","
                        + DUAL.formatted("10.96.7.41", "fd00:96::41") + ",\"loadBalancerSourceRanges\":"
                        + "[\"192.168.50.0/24\",\"fd00:192:168:50::/64\"]",
                        "{\"loadBalancer\":{\"ingress\":[{\"ip\":\"198.51.100.10\"},{\"ip\":\"" + LB6 + "\"}]}}")
                .slice("t", "lb", "TCP", 8080, ep(b, "node-b"))
                .slice6("t", "lb", "TCP", 8080, ep(b6, "node-b"))
                .service("t", "sticky", "10.96.7.42", TCP80.formatted(""), DUAL.formatted("10.96.7.42", STICKY6)
                        + ",\"sessionAffinity\":\"ClientIP\",\"sessionAffinityConfig\":{\"clientIP\":{\"timeoutSeconds\":300}}", "")
                .slice6("t", "sticky", "TCP", 8080, ep(a6, "node-a"), ep(b6, "node-b"), ep(c6, "node-c"))
                .service("t", "self6", SELF6, TCP80.formatted(""), SINGLE6.formatted(SELF6), "")
                .slice6("t", "self6", "TCP", 8080, ep(a6, "node-a"))
                .service("t", "empty", "10.96.7.11", TCP80.formatted(""), DUAL.formatted("10.96.7.11", EMPTY6), "");
    }

    @AfterAll
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    private Supplier<String> table6() {
        return () -> "nft -a list table ip6 kube-proxy in the node:\n" + NftRuleset.of(lab, "ip6").text();
    }

    /** NewDualStackProxier: one table per family, no inet table. */
    @Test
    @Order(1)
    void eachFamilyHasItsOwnKubeProxyTable() {
        assertThat(NftRuleset.tables(lab)).contains("ip kube-proxy", "ip6 kube-proxy").doesNotContain("inet kube-proxy");
        assertThat(NftRuleset.of(lab, "ip").chainsContaining("-t/v6only/")).as("IPv4 table").isEmpty();
        assertThat(NftRuleset.of(lab, "ip6").chainsContaining("-t/v6only/")).as(table6()).isNotEmpty();
    }

    /** The ip6 table's {@code numgen random mod N map} DNAT ({@code dnat ip6 addr . port to …}), per family. */
    @Test
    @Order(1)
    void anIpv6ClusterIpBalancesOverAllIpv6Endpoints() {
        List<String> replies = lab.connect("client", WEB6, 80, 60, false, 2.0);
        assertThat(replies).as(table6()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).as(table6()).containsExactlyInAnyOrder("pod-a", "pod-b", "pod-c");
        assertThat(backends(lab.connect("client", WEB4, 80, 40, false, 2.0))).as("the IPv4 cluster IP of the same Service")
                .containsExactlyInAnyOrder("pod-a", "pod-b", "pod-c");
    }

    /** EndpointSlices feed the proxier of their addressType: dns has one IPv4 endpoint but two IPv6 ones. */
    @Test
    @Order(1)
    void eachFamilyUsesItsOwnEndpointSlice() {
        assertThat(backends(lab.connect("client", "10.96.7.53", 53, 20, true, 2.0))).containsExactly("pod-a");
        List<String> v6 = lab.connect("client", DNS6, 53, 30, true, 2.0);
        assertThat(v6).as(table6()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(v6)).as(table6()).containsExactlyInAnyOrder("pod-a", "pod-b");
    }

    /** A SingleStack IPv6 Service exists only for the IPv6 proxier (its table), for clients and pods alike. */
    @Test
    @Order(1)
    void anIpv6OnlyServiceWorksFromClientsAndPods() {
        assertThat(lab.connect("client", V6ONLY, 80, 5, false, 2.0)).as(table6()).allMatch(r -> r.startsWith("OK pod-b "));
        assertThat(lab.connect("pod-a", V6ONLY, 80, 5, false, 2.0)).as(table6()).containsOnly("OK pod-b " + a6);
    }

    /** {@code primary} NodePort addresses per family: the node's primary IPv6 address, not its others, never ::1. */
    @Test
    @Order(1)
    void nodePortAnswersOnThePrimaryIpv6AddressOnly() {
        List<String> replies = lab.connect("client", NetLab.NODE_IP6, 30080, 20, false, 2.0);
        assertThat(replies).as(table6()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).containsExactlyInAnyOrder("pod-b", "pod-c");
        assertThat(backends(lab.connect("client", NetLab.NODE_IP, 30080, 20, false, 2.0)))
                .as("the same NodePort over IPv4").containsExactlyInAnyOrder("pod-b", "pod-c");
        assertThat(lab.connect("client2", NODE_SECONDARY_IP6, 30080, 2, false, 1.0)).as(table6())
                .noneMatch(r -> r.startsWith("OK "));
        assertThat(lab.connect("node", "::1", 30080, 2, false, 1.0)).as("no localhost NodePorts")
                .noneMatch(r -> r.startsWith("OK "));
    }

    /** eTP=Local over IPv6: {@code local-…} chain, no masquerade, the client's IPv6 address reaches the pod. */
    @Test
    @Order(1)
    void externalTrafficPolicyLocalOverIpv6KeepsTheClientAddressAndUsesTheLocalEndpoint() {
        assertThat(lab.connect("client", NetLab.NODE_IP6, 30082, 10, false, 2.0)).as(table6())
                .containsOnly("OK pod-a " + NetLab.CLIENT_IP6);
    }

    /** {@code reject} in an ip6 table sends ICMPv6 port-unreachable: ECONNREFUSED at once. */
    @Test
    @Order(1)
    void aServiceWithoutEndpointsIsRefusedAtOnceOverIpv6() {
        long start = System.nanoTime();
        assertThat(lab.connect("client", EMPTY6, 80, 1, false, 5.0)).as(table6()).containsExactly("ERR ECONNREFUSED");
        // Not a performance assertion: a refusal is an ICMPv6 answer, a drop would wait out the 5 s timeout.
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
        assertThat(lab.connect("pod-b", EMPTY6, 80, 1, false, 5.0)).as(table6()).containsExactly("ERR ECONNREFUSED");
        assertThat(lab.connect("client", "10.96.7.11", 80, 1, false, 5.0)).containsExactly("ERR ECONNREFUSED");
    }

    /** The IPv6 ServiceCIDR's unallocated addresses are dropped by the ip6 table's cluster-ips-check. */
    @Test
    @Order(1)
    void anUnallocatedAddressOfTheIpv6ServiceCidrIsDropped() {
        assertThat(lab.connect("client", UNALLOCATED6, 8080, 2, false, 1.0)).as(table6()).containsOnly("ERR TIMEOUT");
    }

    /** The ip6 table's {@code ip6 daddr @cluster-ips ip6 saddr != fd00:10:244::/48} masquerade mark. */
    @Test
    @Order(1)
    void offClusterIpv6TrafficIsMasqueradedButPodTrafficIsNot() {
        assertThat(sources(lab.connect("client", WEB6, 80, 10, false, 2.0))).as(table6())
                .containsExactly(NetLab.POD_GATEWAY6);
        // pod-a is this node's endpoint: only local endpoints are in hairpin-connections (see NftablesPacketFlowIT).
        List<String> fromPod = lab.connect("pod-a", WEB6, 80, 30, false, 2.0);
        assertThat(fromPod).as(table6()).allMatch(r -> r.startsWith("OK "));
        List<String> toOthers = fromPod.stream().filter(r -> !r.startsWith("OK pod-a ")).toList();
        assertThat(toOthers).isNotEmpty();
        assertThat(sources(toOthers)).containsExactly(a6);
    }

    /** hairpin-connections in the ip6 table ({@code ipv6_addr . ipv6_addr . inet_proto . inet_service}). */
    @Test
    @Order(1)
    void hairpinTrafficOverIpv6IsMasqueraded() {
        assertThat(lab.connect("pod-a", SELF6, 80, 3, false, 2.0)).as(table6())
                .containsOnly("OK pod-a " + NetLab.POD_GATEWAY6);
        assertThat(NftRuleset.of(lab, "ip6").elementsOf("hairpin-connections"))
                .contains(a6 + " . " + a6 + " . tcp . 8080");
    }

    /** externalIPs are filtered to the proxier's family: each table maps only its own family's addresses. */
    @Test
    @Order(1)
    void anIpv6ExternalIpReachesTheServiceAndEachFamilyKeepsItsOwnExternalIps() {
        assertThat(lab.connect("client", EXTERNAL6, 80, 5, false, 2.0)).as(table6())
                .containsOnly("OK pod-b " + NetLab.POD_GATEWAY6);
        assertThat(lab.connect("client", "192.168.60.100", 80, 5, false, 2.0)).containsOnly("OK pod-c " + NetLab.POD_GATEWAY);
    }

    /** firewall-ips and {@code ip6 saddr != { fd00:192:168:50::/64 } drop}, pre-DNAT, per family. */
    @Test
    @Order(1)
    void ipv6LoadBalancerSourceRangesAdmitTheAllowedClientAndDropOthers() {
        assertThat(lab.connect("client", LB6, 80, 3, false, 2.0)).as(table6()).allMatch(r -> r.startsWith("OK pod-b "));
        assertThat(lab.connect("client2", LB6, 80, 2, false, 1.0)).as(table6()).containsOnly("ERR TIMEOUT");
        assertThat(lab.connect("client2", "198.51.100.10", 80, 2, false, 1.0)).containsOnly("ERR TIMEOUT");
    }

    /** ClientIP affinity over IPv6: {@code ipv6_addr} affinity sets, {@code update @affinity-… { ip6 saddr }}. */
    @Test
    @Order(1)
    void sessionAffinityOverIpv6KeepsAClientOnOneEndpoint() {
        List<String> replies = lab.connect("client", STICKY6, 80, 20, false, 2.0);
        assertThat(replies).as(table6()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).as(table6()).hasSize(1);
        NftRuleset rules = NftRuleset.of(lab, "ip6");
        assertThat(rules.setsStartingWith("affinity-").stream().filter(s -> s.contains("-t/sticky/"))
                .map(rules::elementsOf).filter(e -> e.contains(NetLab.CLIENT_IP6 + " ")).toList())
                .as("exactly one endpoint's affinity set holds the client").hasSize(1);
    }

    /** cleanup.go: {@code delete table ip kube-proxy}, then {@code ip6}: both families are gone afterwards. */
    @Test
    @Order(2)
    void cleanupRemovesBothFamiliesTables() {
        NetLab.Result cleanup = SluiceCli.run(lab, lab.node(), "cleanup", "--backend", "nftables");
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();

        assertThat(NftRuleset.tables(lab)).doesNotContain("ip kube-proxy", "ip6 kube-proxy");
        assertThat(lab.connect("client", WEB6, 80, 1, false, 1.0)).noneMatch(r -> r.startsWith("OK "));
    }
}
