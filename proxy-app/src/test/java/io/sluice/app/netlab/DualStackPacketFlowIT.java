package io.sluice.app.netlab;

import static io.sluice.app.netlab.Replies.backends;
import static io.sluice.app.netlab.Replies.sources;
import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static io.sluice.app.netlab.ClusterObjects.ep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real IPv6 packets through the iptables backend of a dual-stack node: {@code sluice run --once} programs IPv4 with
 * iptables-restore and IPv6 with ip6tables-restore (kube-proxy runs one proxier per family). Services carry
 * {@code ipFamilies}/{@code clusterIPs} of both families and one EndpointSlice per family; the Node has an InternalIP
 * of each family. Failure messages carry {@code ip6tables-save}, so they explain themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DualStackPacketFlowIT {
    private static final String DUAL = "\"ipFamilyPolicy\":\"RequireDualStack\",\"ipFamilies\":[\"IPv4\",\"IPv6\"],"
            + "\"clusterIPs\":[\"%s\",\"%s\"]";
    private static final String TCP80 = "[{\"name\":\"p\",\"port\":80,\"protocol\":\"TCP\"%s}]";
    private static final String WEB4 = "10.96.6.10";
    private static final String WEB6 = "fd00:96::10";
    private static final String EMPTY6 = "fd00:96::11";
    private static final String V6ONLY = "fd00:96::20";
    private static final String DNS6 = "fd00:96::53";
    private static final String NODEPORT6 = "fd00:96::30";
    private static final String LOCAL6 = "fd00:96::31";
    private static final String EXTERNAL6 = "fd00:60::100";
    private static final String LB6 = "2001:db8:100::10";
    private static final String STICKY6 = "fd00:96::42";
    private static final String UDPSWAP6 = "fd00:96::35";
    private NetLab lab;
    private Path dir;
    private Path config;
    private String a;
    private String b;
    private String c;
    private String a6;
    private String b6;
    private String c6;

    @BeforeAll
    void buildDualStackNodeAndSync(@TempDir Path tmp) throws Exception {
        PrivilegedTier.require("ip", "iptables", "iptables-restore", "iptables-save", "ip6tables", "ip6tables-restore",
                "ip6tables-save", "conntrack");
        dir = tmp;
        lab = NetLab.createDualStack("sl6");
        a = lab.addPod("pod-a", 31, 8080);
        b = lab.addPod("pod-b", 32, 8080);
        c = lab.addPod("pod-c", 33, 8080);
        a6 = lab.podIp6("pod-a");
        b6 = lab.podIp6("pod-b");
        c6 = lab.podIp6("pod-c");
        config = SluiceCli.config(dir, "10.244.0.0/16,fd00:10:244::/48", "");
        Path objects = cluster(a6).write(dir.resolve("objects.json"));

        SluiceCli.syncOnce(lab, objects, config);
    }

    /** Every service of the suite; {@code udpSwap6} is the one IPv6 endpoint of t/udpswap. */
    private ClusterObjects cluster(String udpSwap6) {
        return ClusterObjects.withNodeIps(NetLab.NODE_IP, NetLab.NODE_IP6)
                .service("t", "web", WEB4, TCP80.formatted(""), DUAL.formatted(WEB4, WEB6), "")
                .slice("t", "web", "TCP", 8080, ep(a, "node-a"), ep(b, "node-b"), ep(c, "node-c"))
                .slice6("t", "web", "TCP", 8080, ep(a6, "node-a"), ep(b6, "node-b"), ep(c6, "node-c"))
                .service("t", "dns", "10.96.6.53", "[{\"name\":\"p\",\"port\":53,\"protocol\":\"UDP\"}]",
                        DUAL.formatted("10.96.6.53", DNS6), "")
                .slice("t", "dns", "UDP", 8080, ep(a, "node-a"))
                .slice6("t", "dns", "UDP", 8080, ep(a6, "node-a"), ep(b6, "node-b"))
                .service("t", "v6only", V6ONLY, TCP80.formatted(""),
                        "\"ipFamilyPolicy\":\"SingleStack\",\"ipFamilies\":[\"IPv6\"],\"clusterIPs\":[\"" + V6ONLY + "\"]", "")
                .slice6("t", "v6only", "TCP", 8080, ep(b6, "node-b"))
                .service("t", "nodeport", NODEPORT6, TCP80.formatted(",\"nodePort\":30080"), "\"type\":\"NodePort\","
                        + "\"ipFamilyPolicy\":\"RequireDualStack\",\"ipFamilies\":[\"IPv6\",\"IPv4\"],"
                        + "\"clusterIPs\":[\"" + NODEPORT6 + "\",\"10.96.6.30\"]", "")
                .slice("t", "nodeport", "TCP", 8080, ep(b, "node-b"), ep(c, "node-c"))
                .slice6("t", "nodeport", "TCP", 8080, ep(b6, "node-b"), ep(c6, "node-c"))
                .service("t", "local", LOCAL6, TCP80.formatted(",\"nodePort\":30082"), "\"type\":\"NodePort\","
                        + "\"externalTrafficPolicy\":\"Local\",\"ipFamilyPolicy\":\"SingleStack\","
                        + "\"ipFamilies\":[\"IPv6\"],\"clusterIPs\":[\"" + LOCAL6 + "\"]", "")
                .slice6("t", "local", "TCP", 8080, ep(a6, "node-a"), ep(b6, "node-b"))
                .service("t", "extip", "10.96.6.40", TCP80.formatted(""), DUAL.formatted("10.96.6.40", "fd00:96::40")
                        + ",\"externalIPs\":[\"192.168.60.100\",\"" + EXTERNAL6 + "\"]", "")
                .slice("t", "extip", "TCP", 8080, ep(c, "node-c"))
                .slice6("t", "extip", "TCP", 8080, ep(b6, "node-b"))
                .service("t", "lb", "10.96.6.41", TCP80.formatted(",\"nodePort\":30081"), "\"type\":\"LoadBalancer\","
                        + DUAL.formatted("10.96.6.41", "fd00:96::41") + ",\"loadBalancerSourceRanges\":"
                        + "[\"192.168.50.0/24\",\"fd00:192:168:50::/64\"]",
                        "{\"loadBalancer\":{\"ingress\":[{\"ip\":\"198.51.100.10\"},{\"ip\":\"" + LB6 + "\"}]}}")
                .slice("t", "lb", "TCP", 8080, ep(b, "node-b"))
                .slice6("t", "lb", "TCP", 8080, ep(b6, "node-b"))
                .service("t", "sticky", "10.96.6.42", TCP80.formatted(""), DUAL.formatted("10.96.6.42", STICKY6)
                        + ",\"sessionAffinity\":\"ClientIP\",\"sessionAffinityConfig\":{\"clientIP\":{\"timeoutSeconds\":300}}", "")
                .slice6("t", "sticky", "TCP", 8080, ep(a6, "node-a"), ep(b6, "node-b"), ep(c6, "node-c"))
                .service("t", "udpswap", UDPSWAP6, "[{\"name\":\"p\",\"port\":5353,\"protocol\":\"UDP\"}]",
                        "\"ipFamilyPolicy\":\"SingleStack\",\"ipFamilies\":[\"IPv6\"],\"clusterIPs\":[\"" + UDPSWAP6 + "\"]", "")
                .slice6("t", "udpswap", "UDP", 8080, ep(udpSwap6, "node-a"))
                .service("t", "empty", "10.96.6.11", TCP80.formatted(""), DUAL.formatted("10.96.6.11", EMPTY6), "");
    }

    @AfterAll
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    /** For failure messages: the node's IPv6 rules, as ip6tables-restore received them. */
    private Supplier<String> ip6Rules() {
        return () -> "ip6tables-save in the node:\n" + lab.tryIn(lab.node(), Duration.ofSeconds(20),
                "ip6tables-save").output();
    }

    @Test
    @Order(1)
    void anIpv6ClusterIpBalancesOverAllIpv6Endpoints() {
        List<String> replies = lab.connect("client", WEB6, 80, 60, false, 2.0);

        assertThat(replies).as(ip6Rules()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).as(ip6Rules()).containsExactlyInAnyOrder("pod-a", "pod-b", "pod-c");
    }

    @Test
    @Order(1)
    void theIpv4ClusterIpOfTheSameServiceStillWorks() {
        List<String> replies = lab.connect("client", WEB4, 80, 60, false, 2.0);

        assertThat(replies).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).containsExactlyInAnyOrder("pod-a", "pod-b", "pod-c");
        assertThat(sources(replies)).as("IPv4 masquerade: the client is hidden behind the node's pod-side address")
                .containsExactly(NetLab.POD_GATEWAY);
    }

    @Test
    @Order(1)
    void eachFamilyUsesItsOwnEndpointSlice() {
        // dns has one IPv4 endpoint (pod-a) but two IPv6 ones: the families must not share endpoints.
        assertThat(backends(lab.connect("client", "10.96.6.53", 53, 20, true, 2.0))).containsExactly("pod-a");
        List<String> v6 = lab.connect("client", DNS6, 53, 30, true, 2.0);
        assertThat(v6).as(ip6Rules()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(v6)).as(ip6Rules()).containsExactlyInAnyOrder("pod-a", "pod-b");
    }

    @Test
    @Order(1)
    void anIpv6OnlyServiceWorksAndHasNoIpv4Rules() {
        assertThat(lab.connect("client", V6ONLY, 80, 5, false, 2.0)).as(ip6Rules()).allMatch(r -> r.startsWith("OK pod-b "));
        assertThat(lab.connect("pod-a", V6ONLY, 80, 5, false, 2.0)).as(ip6Rules()).containsOnly("OK pod-b " + a6);
        assertThat(lab.inNode("iptables-save", "-t", "nat")).as("IPv4 nat table").doesNotContain("t/v6only");
    }

    @Test
    @Order(1)
    void nodePortAnswersOnTheNodesIpv6Address() {
        List<String> replies = lab.connect("client", NetLab.NODE_IP6, 30080, 20, false, 2.0);

        assertThat(replies).as(ip6Rules()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).as(ip6Rules()).containsExactlyInAnyOrder("pod-b", "pod-c");
        assertThat(backends(lab.connect("client", NetLab.NODE_IP, 30080, 20, false, 2.0)))
                .as("the same NodePort over IPv4").containsExactlyInAnyOrder("pod-b", "pod-c");
    }

    @Test
    @Order(1)
    void externalTrafficPolicyLocalOverIpv6KeepsTheClientAddressAndUsesTheLocalEndpoint() {
        assertThat(lab.connect("client", NetLab.NODE_IP6, 30082, 10, false, 2.0)).as(ip6Rules())
                .containsOnly("OK pod-a " + NetLab.CLIENT_IP6);
    }

    @Test
    @Order(1)
    void aServiceWithoutEndpointsIsRefusedAtOnceOverIpv6() {
        long start = System.nanoTime();
        List<String> fromClient = lab.connect("client", EMPTY6, 80, 1, false, 5.0);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(fromClient).as(ip6Rules()).containsExactly("ERR ECONNREFUSED");
        // Not a performance assertion: a refusal is an ICMPv6 answer, a drop would wait out the 5 s timeout.
        assertThat(millis).isLessThan(4_000);
        assertThat(lab.connect("pod-b", EMPTY6, 80, 1, false, 5.0)).as(ip6Rules()).containsExactly("ERR ECONNREFUSED");
        assertThat(lab.connect("client", "10.96.6.11", 80, 1, false, 5.0)).containsExactly("ERR ECONNREFUSED");
    }

    @Test
    @Order(1)
    void offClusterIpv6TrafficToAClusterIpIsMasqueradedButPodTrafficIsNot() {
        // The client address is hidden behind the node's pod-side IPv6 address.
        assertThat(sources(lab.connect("client", WEB6, 80, 10, false, 2.0))).as(ip6Rules())
                .containsExactly(NetLab.POD_GATEWAY6);
        // pod-b reaching itself through the service is hairpin traffic, which kube-proxy does masquerade.
        List<String> fromPod = lab.connect("pod-b", WEB6, 80, 30, false, 2.0).stream()
                .filter(r -> !r.startsWith("OK pod-b ")).toList();
        assertThat(fromPod).as(ip6Rules()).isNotEmpty().allMatch(r -> r.startsWith("OK "));
        assertThat(sources(fromPod)).as("pod-to-other-pod through the service keeps the pod's IPv6 address")
                .containsExactly(b6);
    }

    @Test
    @Order(1)
    void hairpinTrafficOverIpv6IsMasqueraded() {
        assertThat(lab.connect("pod-b", V6ONLY, 80, 3, false, 2.0)).as(ip6Rules())
                .containsOnly("OK pod-b " + NetLab.POD_GATEWAY6);
    }

    @Test
    @Order(1)
    void anIpv6ExternalIpReachesTheServiceAndEachFamilyKeepsItsOwnExternalIps() {
        assertThat(lab.connect("client", EXTERNAL6, 80, 5, false, 2.0)).as(ip6Rules())
                .containsOnly("OK pod-b " + NetLab.POD_GATEWAY6);
        assertThat(lab.connect("client", "192.168.60.100", 80, 5, false, 2.0)).containsOnly("OK pod-c " + NetLab.POD_GATEWAY);
    }

    @Test
    @Order(1)
    void ipv6LoadBalancerSourceRangesAdmitTheAllowedClientAndDropOthers() {
        assertThat(lab.connect("client", LB6, 80, 3, false, 2.0)).as(ip6Rules()).allMatch(r -> r.startsWith("OK pod-b "));
        assertThat(lab.connect("client2", LB6, 80, 2, false, 1.0)).as(ip6Rules()).containsOnly("ERR TIMEOUT");
        assertThat(lab.connect("client", "198.51.100.10", 80, 3, false, 2.0)).allMatch(r -> r.startsWith("OK pod-b "));
    }

    @Test
    @Order(1)
    void sessionAffinityOverIpv6KeepsAClientOnOneEndpoint() {
        List<String> replies = lab.connect("client", STICKY6, 80, 20, false, 2.0);

        assertThat(replies).as(ip6Rules()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).as(ip6Rules()).hasSize(1);
    }

    /**
     * kube-proxy's conntrack.CleanStaleEntries for IPv6: UDP has no teardown, so a client that keeps its source port
     * would stick to a removed endpoint through its conntrack entry. After an endpoint change, the sync deletes the
     * entries DNATed to the removed endpoint ({@code conntrack -D -f ipv6 ... --dst-nat EP}). Needs a long-running
     * sluice: only a process that applied the previous state knows which entries went stale.
     */
    @Test
    @Order(2)
    void anIpv6UdpEndpointChangeClearsTheStaleConntrackEntry() throws Exception {
        Path file = marker(cluster(a6), "marker1").write(dir.resolve("live.json"));
        Process sluice = SluiceCli.startDaemon(lab, file, config, dir.resolve("sluice.log"));
        try {
            awaitNat6(s -> s.contains("t/marker1"), "first sync of the long-running process");
            assertThat(lab.udpFrom("client", 40053, UDPSWAP6, 5353, 3, 2.0)).as(ip6Rules()).containsOnly(
                    "OK pod-a " + NetLab.POD_GATEWAY6);
            // The precondition that makes this test mean something: the client's flow is pinned to pod-a.
            assertThat(udpSwapConntrack()).as("conntrack entries of the client's UDP flow")
                    .singleElement().asString().contains("src=" + a6 + " ");

            replace(file, marker(cluster(b6), "marker1"));
            awaitNat6(s -> udpSwapDnat(s).equals(List.of("[" + b6 + "]:8080")), "sync moving t/udpswap to pod-b");
            // Syncs run one after another: once the next marker is in, the previous sync's conntrack cleanup is done.
            replace(file, marker(marker(cluster(b6), "marker1"), "marker2"));
            awaitNat6(s -> s.contains("t/marker2"), "the sync after the endpoint change");

            assertThat(lab.udpFrom("client", 40053, UDPSWAP6, 5353, 3, 2.0))
                    .as(() -> "same source port after the change (sluice.log:%n%s)".formatted(log()) + "\n" + ip6Rules().get())
                    .containsOnly("OK pod-b " + NetLab.POD_GATEWAY6);
            assertThat(udpSwapConntrack()).singleElement().asString().contains("src=" + b6 + " ");
        } finally {
            sluice.destroy();
            sluice.waitFor();
        }
    }

    /** An IPv6-only service with one endpoint: it shows in the IPv6 nat table once a sync has written it. */
    private ClusterObjects marker(ClusterObjects objects, String name) {
        String ip = name.equals("marker1") ? "fd00:96::91" : "fd00:96::92";
        return objects.service("t", name, ip, TCP80.formatted(""), "\"ipFamilyPolicy\":\"SingleStack\","
                + "\"ipFamilies\":[\"IPv6\"],\"clusterIPs\":[\"" + ip + "\"]", "")
                .slice6("t", name, "TCP", 8080, ep(a6, "node-a"));
    }

    /** The DNAT targets of t/udpswap's endpoint chains in an ip6tables-save text. */
    private static List<String> udpSwapDnat(String save) {
        return save.lines().filter(l -> l.contains("t/udpswap:p") && l.contains("--to-destination "))
                .map(l -> l.substring(l.indexOf("--to-destination ") + "--to-destination ".length()).split(" ")[0])
                .toList();
    }

    /** The node's conntrack entries of the client's fixed-port UDP flow to t/udpswap. */
    private List<String> udpSwapConntrack() {
        NetLab.Result r = lab.tryIn(lab.node(), Duration.ofSeconds(20), "conntrack", "-L", "-f", "ipv6",
                "-p", "udp", "--orig-port-src", "40053", "--orig-dst", UDPSWAP6);
        return r.output().lines().filter(l -> l.contains("sport=40053 ")).toList();
    }

    private static void replace(Path file, ClusterObjects objects) throws IOException {
        Path tmp = objects.write(file.resolveSibling(file.getFileName() + ".tmp"));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("sluice.log"));
        } catch (IOException e) {
            return "(no sluice.log: " + e + ")";
        }
    }

    private void awaitNat6(Predicate<String> ready, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.test(lab.inNode("ip6tables-save", "-t", "nat"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what + "; sluice.log:\n" + log() + "\n"
                + ip6Rules().get());
    }

    /**
     * kube-proxy's CleanupLeftovers leaves KUBE-FIREWALL and its INPUT/OUTPUT jumps to kubelet; Sluice removes them
     * too when no kubelet manages iptables, as in this lab (no KUBE-KUBELET-CANARY), so nothing KUBE- may remain.
     */
    @Test
    @Order(3)
    void cleanupRemovesEveryKubeChainFromIp6tablesToo() {
        lab.inNode("ip6tables", "-t", "nat", "-N", "FOREIGN6");
        lab.inNode("ip6tables", "-t", "nat", "-A", "FOREIGN6", "-d", "2001:db8::9", "-j", "RETURN");
        lab.inNode("ip6tables", "-A", "INPUT", "-s", "2001:db8::7", "-j", "ACCEPT");

        NetLab.Result cleanup = SluiceCli.run(lab, lab.node(), "cleanup", "--backend", "iptables");
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();

        String v6 = lab.inNode("ip6tables-save");
        assertThat(kubeProxyLeftovers(v6)).as("KUBE- chains or jumps left in ip6tables:%n%s", v6).isEmpty();
        assertThat(v6).contains(":FOREIGN6").contains("-A FOREIGN6 -d 2001:db8::9/128 -j RETURN")
                .contains("-A INPUT -s 2001:db8::7/128 -j ACCEPT");
        String v4 = lab.inNode("iptables-save");
        assertThat(kubeProxyLeftovers(v4)).as("KUBE- chains or jumps left in iptables:%n%s", v4).isEmpty();
        assertThat(lab.connect("client", WEB6, 80, 1, false, 1.0)).noneMatch(r -> r.startsWith("OK "));
    }

    /** KUBE- chain declarations and jumps in a save text. */
    private static List<String> kubeProxyLeftovers(String save) {
        return save.lines().filter(l -> l.startsWith(":KUBE-") || l.contains("-j KUBE-")).toList();
    }
}
