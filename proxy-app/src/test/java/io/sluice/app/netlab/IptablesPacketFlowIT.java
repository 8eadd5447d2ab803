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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.sluice.app.netlab.ClusterObjects.ep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real packets through the iptables backend, service type by service type. One node namespace, three pods
 * (pod-a on this node, pod-b and pod-c "on other nodes" per their EndpointSlices), two external clients.
 * Assertions are about what the endpoints saw: which pod answered and which client address reached it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IptablesPacketFlowIT {
    private static final String TCP1 = "[{\"name\":\"p\",\"port\":80,\"protocol\":\"TCP\"%s}]";
    private NetLab lab;
    private Path dir;
    private Path config;
    private String a;
    private String b;
    private String c;

    @BeforeAll
    void buildNodeAndSync(@TempDir Path tmp) throws Exception {
        PrivilegedTier.require("ip", "iptables", "iptables-restore", "iptables-save", "conntrack");
        dir = tmp;
        lab = NetLab.create("slpf");
        a = lab.addPod("pod-a", 21, 8080);
        b = lab.addPod("pod-b", 22, 8080);
        c = lab.addPod("pod-c", 23, 8080);
        config = SluiceCli.config(dir, "");
        sync(cluster(List.of(ep(a, "node-a")), List.of(ep(a, "node-a"))));
    }

    /** Every service of the suite; {@code rolling} and {@code growing} endpoints vary between syncs. */
    private ClusterObjects cluster(List<ClusterObjects.Endpoint> rolling, List<ClusterObjects.Endpoint> growing) {
        var all = new ClusterObjects.Endpoint[] {ep(a, "node-a"), ep(b, "node-b"), ep(c, "node-c")};
        return new ClusterObjects()
                .clusterIp("t", "balance", "10.96.1.1", 80).slice("t", "balance", "TCP", 8080, all)
                .service("t", "dns", "10.96.1.2", "[{\"name\":\"p\",\"port\":53,\"protocol\":\"UDP\"}]", "", "")
                .slice("t", "dns", "UDP", 8080, ep(a, "node-a"), ep(b, "node-b"))
                .service("t", "nodeport", "10.96.1.3", TCP1.formatted(",\"nodePort\":30080"), "\"type\":\"NodePort\"", "")
                .slice("t", "nodeport", "TCP", 8080, ep(b, "node-b"), ep(c, "node-c"))
                .service("t", "extip", "10.96.1.4", TCP1.formatted(""), "\"externalIPs\":[\"192.168.60.100\"]", "")
                .slice("t", "extip", "TCP", 8080, ep(b, "node-b"))
                .service("t", "lb", "10.96.1.5", TCP1.formatted(",\"nodePort\":30081"),
                        "\"type\":\"LoadBalancer\",\"loadBalancerSourceRanges\":[\"192.168.50.0/24\"]",
                        "{\"loadBalancer\":{\"ingress\":[{\"ip\":\"198.51.100.10\"}]}}")
                .slice("t", "lb", "TCP", 8080, ep(b, "node-b"))
                .service("t", "sticky", "10.96.1.6", TCP1.formatted(""),
                        "\"sessionAffinity\":\"ClientIP\",\"sessionAffinityConfig\":{\"clientIP\":{\"timeoutSeconds\":300}}", "")
                .slice("t", "sticky", "TCP", 8080, all)
                .service("t", "local", "10.96.1.7", TCP1.formatted(",\"nodePort\":30082"),
                        "\"type\":\"NodePort\",\"externalTrafficPolicy\":\"Local\"", "")
                .slice("t", "local", "TCP", 8080, ep(a, "node-a"), ep(b, "node-b"))
                .service("t", "nolocal", "10.96.1.8", TCP1.formatted(",\"nodePort\":30083"),
                        "\"type\":\"NodePort\",\"externalTrafficPolicy\":\"Local\"", "")
                .slice("t", "nolocal", "TCP", 8080, ep(b, "node-b"))
                .service("t", "itp", "10.96.1.9", TCP1.formatted(""), "\"internalTrafficPolicy\":\"Local\"", "")
                .slice("t", "itp", "TCP", 8080, ep(a, "node-a"), ep(b, "node-b"))
                .clusterIp("t", "self", "10.96.1.10", 80).slice("t", "self", "TCP", 8080, ep(a, "node-a"))
                .clusterIp("t", "empty", "10.96.1.11", 80)
                .clusterIp("t", "rolling", "10.96.1.12", 80)
                .slice("t", "rolling", "TCP", 8080, rolling.toArray(ClusterObjects.Endpoint[]::new))
                .clusterIp("t", "growing", "10.96.1.13", 80)
                .slice("t", "growing", "TCP", 8080, growing.toArray(ClusterObjects.Endpoint[]::new));
    }

    private void sync(ClusterObjects objects) throws Exception {
        SluiceCli.syncOnce(lab, objects.write(dir.resolve("objects.json")), config);
    }

    @AfterAll
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void clusterIpBalancesOverAllEndpoints() {
        List<String> replies = lab.connect("client", "10.96.1.1", 80, 60, false, 2.0);
        assertThat(replies).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).containsExactlyInAnyOrder("pod-a", "pod-b", "pod-c");
    }

    @Test
    @Order(1)
    void udpClusterIpReachesItsEndpoints() {
        List<String> replies = lab.connect("client", "10.96.1.2", 53, 30, true, 2.0);
        assertThat(replies).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).containsExactlyInAnyOrder("pod-a", "pod-b");
    }

    @Test
    @Order(1)
    void offClusterTrafficToAClusterIpIsMasqueradedButPodTrafficIsNot() {
        assertThat(sources(lab.connect("client", "10.96.1.1", 80, 10, false, 2.0)))
                .as("the client address is hidden behind the node").doesNotContain(NetLab.CLIENT_IP);
        // pod-b reaching itself through the service is hairpin traffic, which kube-proxy does masquerade.
        List<String> fromPod = lab.connect("pod-b", "10.96.1.1", 80, 30, false, 2.0).stream()
                .filter(r -> !r.startsWith("OK pod-b ")).toList();
        assertThat(fromPod).isNotEmpty();
        assertThat(sources(fromPod)).as("pod-to-other-pod through the service keeps the pod address").containsExactly(b);
    }

    @Test
    @Order(1)
    void nodePortAnswersOnTheNodeIpAndOnLocalhost() {
        List<String> external = lab.connect("client", NetLab.NODE_IP, 30080, 20, false, 2.0);
        assertThat(external).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(external)).containsExactlyInAnyOrder("pod-b", "pod-c");

        List<String> local = lab.connect("node", "127.0.0.1", 30080, 10, false, 2.0);
        assertThat(local).as("localhost nodeports (route_localnet)").allMatch(r -> r.startsWith("OK "));
    }

    @Test
    @Order(1)
    void externalIpReachesTheService() {
        assertThat(lab.connect("client", "192.168.60.100", 80, 5, false, 2.0)).containsOnly("OK pod-b " + NetLab.POD_GATEWAY);
    }

    @Test
    @Order(1)
    void loadBalancerSourceRangesAdmitTheAllowedClientAndDropOthers() {
        assertThat(lab.connect("client", "198.51.100.10", 80, 3, false, 2.0)).allMatch(r -> r.startsWith("OK pod-b"));
        assertThat(lab.connect("client2", "198.51.100.10", 80, 2, false, 1.0)).containsOnly("ERR TIMEOUT");
    }

    @Test
    @Order(1)
    void sessionAffinityKeepsAClientOnOneEndpoint() {
        List<String> replies = lab.connect("client", "10.96.1.6", 80, 20, false, 2.0);
        assertThat(replies).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).hasSize(1);
    }

    @Test
    @Order(1)
    void externalTrafficPolicyLocalKeepsTheClientAddressAndUsesOnlyLocalEndpoints() {
        List<String> replies = lab.connect("client", NetLab.NODE_IP, 30082, 20, false, 2.0);
        assertThat(replies).containsOnly("OK pod-a " + NetLab.CLIENT_IP);
    }

    @Test
    @Order(1)
    void externalTrafficPolicyLocalWithoutLocalEndpointsDropsExternalTraffic() {
        assertThat(lab.connect("client", NetLab.NODE_IP, 30083, 2, false, 1.0)).containsOnly("ERR TIMEOUT");
    }

    @Test
    @Order(1)
    void internalTrafficPolicyLocalUsesOnlyLocalEndpoints() {
        List<String> replies = lab.connect("pod-c", "10.96.1.9", 80, 20, false, 2.0);
        assertThat(replies).allMatch(r -> r.startsWith("OK pod-a"));
    }

    @Test
    @Order(1)
    void hairpinTrafficToItselfIsMasqueraded() {
        List<String> replies = lab.connect("pod-a", "10.96.1.10", 80, 5, false, 2.0);
        assertThat(replies).containsOnly("OK pod-a " + NetLab.POD_GATEWAY);
    }

    @Test
    @Order(1)
    void aServiceWithoutEndpointsIsRefusedImmediately() {
        assertThat(lab.connect("client", "10.96.1.11", 80, 1, false, 5.0)).containsExactly("ERR ECONNREFUSED");
        assertThat(lab.connect("pod-b", "10.96.1.11", 80, 1, false, 5.0)).containsExactly("ERR ECONNREFUSED");
    }

    @Test
    @Order(2)
    void anEndpointChangeKeepsEstablishedConnectionsAndMovesNewOnes() throws Exception {
        NetLab.Held held = lab.hold("client", "10.96.1.12", 80, 6.0);
        assertThat(held.awaitReady()).isEqualTo("HOLD READY pod-a");

        sync(cluster(List.of(ep(b, "node-b")), List.of(ep(a, "node-a"))));

        assertThat(lab.connect("client", "10.96.1.12", 80, 10, false, 2.0)).allMatch(r -> r.startsWith("OK pod-b"));
        assertThat(held.result()).startsWith("HOLD OK pod-a");
    }

    @Test
    @Order(3)
    void aPartialSyncLeavesOtherServicesChainsAndCountersUntouched() throws Exception {
        // A long-running sluice: its first sync is full, the next one (after the file changes) is partial.
        // A marker service only this process writes tells when its first (full) sync is done.
        Path file = cluster(List.of(ep(b, "node-b")), List.of(ep(a, "node-a")))
                .clusterIp("t", "marker", "10.96.1.14", 80).slice("t", "marker", "TCP", 8080, ep(a, "node-a")).write(dir.resolve("live.json"));
        Process sluice = SluiceCli.startDaemon(lab, file, config, dir.resolve("sluice.log"));
        try {
            awaitNat(s -> s.contains("10.96.1.14"), "first sync of the long-running process");
            lab.connect("client", "10.96.1.1", 80, 20, false, 2.0);
            String before = chainsOf(nat(), "t/balance:p");

            cluster(List.of(ep(b, "node-b")), List.of(ep(a, "node-a"), ep(c, "node-c")))
                    .clusterIp("t", "marker", "10.96.1.14", 80).slice("t", "marker", "TCP", 8080, ep(a, "node-a")).write(dir.resolve("live.json.tmp"));
            java.nio.file.Files.move(dir.resolve("live.json.tmp"), file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            awaitNat(s -> s.contains("--to-destination " + c + ":8080") && chainsOf(s, "t/growing:p").contains(c),
                    "partial sync adding an endpoint to t/growing");

            assertThat(chainsOf(nat(), "t/balance:p")).as("balance chains with counters").isEqualTo(before);
            assertThat(backends(lab.connect("client", "10.96.1.13", 80, 30, false, 2.0)))
                    .containsExactlyInAnyOrder("pod-a", "pod-c");
        } finally {
            sluice.destroy();
            sluice.waitFor();
        }
        assertThat(nat()).as("shutdown leaves the rules in place").contains("10.96.1.13");
    }

    private String nat() {
        return lab.inNode("iptables-save", "-c", "-t", "nat");
    }

    /**
     * The rules (with counters) of this service port's own chains. Its KUBE-SERVICES rule is left out: the top-level
     * chains are rewritten on every sync, partial or not, as in kube-proxy.
     */
    private static String chainsOf(String save, String servicePort) {
        return save.lines().filter(l -> l.contains(servicePort + " ") || l.contains(servicePort + "\""))
                .filter(l -> !l.contains("-A KUBE-SERVICES "))
                .collect(Collectors.joining("\n"));
    }

    private void awaitNat(java.util.function.Predicate<String> ready, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.test(nat())) {
                return;
            }
            Thread.sleep(200);
        }
        String log;
        try {
            log = java.nio.file.Files.readString(dir.resolve("sluice.log"));
        } catch (java.io.IOException e) {
            log = "(no sluice.log: " + e + ")";
        }
        throw new AssertionError("timed out waiting for " + what + "; sluice.log:\n" + log + "\nnat table:\n" + nat());
    }

    @Test
    @Order(4)
    void cleanupRemovesEveryKubeChainAndLeavesForeignRulesAlone() {
        lab.inNode("iptables", "-t", "nat", "-N", "FOREIGN");
        lab.inNode("iptables", "-t", "nat", "-A", "FOREIGN", "-d", "203.0.113.9", "-j", "RETURN");
        lab.inNode("iptables", "-A", "INPUT", "-s", "203.0.113.7", "-j", "ACCEPT");

        NetLab.Result cleanup = SluiceCli.run(lab, lab.node(), "cleanup", "--backend", "iptables");
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();

        String all = lab.inNode("iptables-save");
        assertThat(all.lines().filter(l -> l.startsWith(":KUBE-") || l.contains("-j KUBE-")).toList())
                .as("no KUBE- chain or jump left").isEmpty();
        assertThat(all).contains(":FOREIGN").contains("-A FOREIGN -d 203.0.113.9/32 -j RETURN")
                .contains("-A INPUT -s 203.0.113.7/32 -j ACCEPT");
        assertThat(lab.connect("client", "10.96.1.1", 80, 1, false, 1.0)).doesNotContain("OK pod-a", "OK pod-b", "OK pod-c");
    }
}
