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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Real IPv4 packets through the nftables backend ({@code mode: nftables}): the behaviours of kube-proxy's nftables
 * mode (pkg/proxy/nftables/proxier.go, Gen C ruleset) that a client or an endpoint can observe, each test naming the
 * upstream behaviour it follows. The lab is IptablesPacketFlowIT's (one node namespace, pod-a on this node, pod-b and
 * pod-c "on other nodes", two external clients); upstream's own packet-flow cases (proxier_test.go TestClusterIPGeneral,
 * TestLoadBalancer, TestNodePorts, TestExternalTrafficPolicy..., run through helpers_test.go runPacketFlowTests'
 * tracer) are reproduced with real packets. Failure messages carry {@code nft list table ip kube-proxy}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NftablesPacketFlowIT {
    private static final String TCP1 = "[{\"name\":\"p\",\"port\":80,\"protocol\":\"TCP\"%s}]";
    /** The node's second address (client2's link): not its primary IP, so no NodePorts there in nftables mode. */
    private static final String NODE_SECONDARY_IP = "192.168.51.1";
    /** A cluster IP whose port 80 is a service; pod-c owns the address too and serves port 81 there. */
    private static final String PORTS_IP = "10.96.1.15";
    /** Inside the ServiceCIDR, held by no Service; pod-c owns it, so only the proxy's drop keeps clients from it. */
    private static final String UNALLOCATED_IP = "10.96.200.200";
    private NetLab lab;
    private Path dir;
    private Path config;
    private String a;
    private String b;
    private String c;

    @BeforeAll
    void buildNodeAndSync(@TempDir Path tmp) throws Exception {
        PrivilegedTier.require("ip", "nft", "conntrack", "iptables");
        dir = tmp;
        lab = NetLab.create("slnf");
        a = lab.addPod("pod-a", 41, 8080);
        b = lab.addPod("pod-b", 42, 8080);
        c = lab.addPod("pod-c", 43, 8080, 81);
        lab.routeToPod("pod-c", PORTS_IP);
        lab.routeToPod("pod-c", UNALLOCATED_IP);
        config = SluiceCli.config(dir, "nftables", "10.244.0.0/16", "");
        sync(cluster(List.of(ep(a, "node-a")), List.of(ep(a, "node-a"))));
    }

    /** Every service of the suite; {@code rolling} and {@code growing} endpoints vary between syncs. */
    private ClusterObjects cluster(List<ClusterObjects.Endpoint> rolling, List<ClusterObjects.Endpoint> growing) {
        var all = new ClusterObjects.Endpoint[] {ep(a, "node-a"), ep(b, "node-b"), ep(c, "node-c")};
        return new ClusterObjects()
                .serviceCidr("kubernetes", "10.96.0.0/16")
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
                .slice("t", "growing", "TCP", 8080, growing.toArray(ClusterObjects.Endpoint[]::new))
                .clusterIp("t", "ports", PORTS_IP, 80).slice("t", "ports", "TCP", 8080, ep(a, "node-a"));
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

    /** For failure messages: the node's IPv4 kube-proxy table, with handles. */
    private Supplier<String> table() {
        return () -> "nft -a list table ip kube-proxy in the node:\n" + NftRuleset.of(lab, "ip").text();
    }

    /** The table is kube-proxy's own: family ip, name kube-proxy (proxier.go NewProxier), nothing in iptables. */
    @Test
    @Order(1)
    void theRulesLiveInTheKubeProxyTableNotInIptables() {
        assertThat(NftRuleset.tables(lab)).contains("ip kube-proxy");
        assertThat(lab.inNode("iptables-save")).as("no KUBE- chains in iptables").doesNotContain(":KUBE-SERVICES");
    }

    /** writeServiceToEndpointDNATs: {@code numgen random mod N map} spreads new connections over every endpoint. */
    @Test
    @Order(1)
    void clusterIpBalancesOverAllEndpoints() {
        List<String> replies = lab.connect("client", "10.96.1.1", 80, 60, false, 2.0);
        assertThat(replies).as(table()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).as(table()).containsExactlyInAnyOrder("pod-a", "pod-b", "pod-c");
    }

    /** UDP service ports: {@code service-ips { ip . udp . 53 : goto service-… }}, DNAT with {@code meta l4proto udp}. */
    @Test
    @Order(1)
    void udpClusterIpReachesItsEndpoints() {
        List<String> replies = lab.connect("client", "10.96.1.2", 53, 30, true, 2.0);
        assertThat(replies).as(table()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).containsExactlyInAnyOrder("pod-a", "pod-b");
    }

    /**
     * setupNFTables: {@code services} chain {@code ip daddr @cluster-ips ip saddr != <clusterCIDR> mark set mark or
     * 0x4000} marks off-cluster traffic to cluster IPs, {@code masquerading} masquerades marked packets; pod traffic
     * keeps its source. The client pod is pod-a, this node's endpoint: the hairpin-connections set holds only local
     * endpoints (proxier.go, allLocallyReachable + IsLocal), so a pod the slices place on another node (pod-b, which
     * really runs here in this lab) reaching itself would not be masqueraded and would time out, unlike in iptables
     * mode, where every KUBE-SEP chain masquerades its own endpoint's traffic.
     */
    @Test
    @Order(1)
    void offClusterTrafficToAClusterIpIsMasqueradedButPodTrafficIsNot() {
        assertThat(sources(lab.connect("client", "10.96.1.1", 80, 10, false, 2.0))).as(table())
                .containsExactly(NetLab.POD_GATEWAY);
        List<String> fromPod = lab.connect("pod-a", "10.96.1.1", 80, 30, false, 2.0);
        assertThat(fromPod).as(table()).allMatch(r -> r.startsWith("OK "));
        List<String> toOthers = fromPod.stream().filter(r -> !r.startsWith("OK pod-a ")).toList();
        assertThat(toOthers).isNotEmpty();
        assertThat(sources(toOthers)).as("pod-to-other-pod through the service keeps the pod address").containsExactly(a);
        assertThat(fromPod.stream().filter(r -> r.startsWith("OK pod-a ")).toList()).as("hairpin: masqueraded")
                .allMatch(r -> r.equals("OK pod-a " + NetLab.POD_GATEWAY));
    }

    /**
     * nftables mode defaults {@code --nodeport-addresses} to {@code primary} (cmd/kube-proxy server_linux.go
     * platformApplyDefaults): NodePorts answer on the node's primary IP ({@code nodeport-ips} set), not on its other
     * addresses, and never on 127.0.0.1 (no route_localnet; localhost NodePorts are off, unlike iptables mode).
     */
    @Test
    @Order(1)
    void nodePortAnswersOnThePrimaryNodeIpOnly() {
        List<String> external = lab.connect("client", NetLab.NODE_IP, 30080, 20, false, 2.0);
        assertThat(external).as(table()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(external)).containsExactlyInAnyOrder("pod-b", "pod-c");

        assertThat(lab.connect("client2", NODE_SECONDARY_IP, 30080, 2, false, 1.0)).as(table())
                .noneMatch(r -> r.startsWith("OK "));
        assertThat(lab.connect("node", "127.0.0.1", 30080, 2, false, 1.0)).as("no localhost NodePorts")
                .noneMatch(r -> r.startsWith("OK "));
    }

    /** service-ips element {@code <externalIP> . tcp . 80 : goto external-…}; external chains masquerade (eTP=Cluster). */
    @Test
    @Order(1)
    void externalIpReachesTheService() {
        assertThat(lab.connect("client", "192.168.60.100", 80, 5, false, 2.0)).as(table())
                .containsOnly("OK pod-b " + NetLab.POD_GATEWAY);
    }

    /**
     * firewall-ips vmap in {@code filter-prerouting-pre-dnat} (priority -110, before DNAT): the firewall chain's
     * {@code ip saddr != { 192.168.50.0/24 } drop} admits client and drops client2 (proxier.go, TestLoadBalancer).
     */
    @Test
    @Order(1)
    void loadBalancerSourceRangesAdmitTheAllowedClientAndDropOthers() {
        assertThat(lab.connect("client", "198.51.100.10", 80, 3, false, 2.0)).as(table())
                .allMatch(r -> r.startsWith("OK pod-b"));
        assertThat(lab.connect("client2", "198.51.100.10", 80, 2, false, 1.0)).as(table()).containsOnly("ERR TIMEOUT");
        assertThat(lab.connect("client2", NetLab.NODE_IP, 30081, 2, false, 2.0)).as("NodePorts ignore source ranges")
                .allMatch(r -> r.startsWith("OK pod-b"));
    }

    /**
     * ClientIP affinity (writeServiceToEndpointJumps): per-endpoint {@code affinity-…} sets with a timeout; the
     * endpoint chain's {@code update @affinity-… { ip saddr }} records the client, the service chain's
     * {@code ip saddr @affinity-… goto endpoint-…} sends it back.
     */
    @Test
    @Order(1)
    void sessionAffinityKeepsAClientOnOneEndpointAndRecordsItInTheAffinitySet() {
        List<String> replies = lab.connect("client", "10.96.1.6", 80, 20, false, 2.0);
        assertThat(replies).as(table()).allMatch(r -> r.startsWith("OK "));
        assertThat(backends(replies)).as(table()).hasSize(1);

        NftRuleset rules = NftRuleset.of(lab, "ip");
        List<String> sets = rules.setsStartingWith("affinity-").stream().filter(s -> s.contains("-t/sticky/tcp/p__"))
                .toList();
        assertThat(sets).as(table()).hasSize(3);
        // The set is updated in nat prerouting, before masquerade rewrites the source: it holds the client itself.
        assertThat(sets.stream().map(rules::elementsOf).filter(e -> e.contains(NetLab.CLIENT_IP + " ")).toList())
                .as("exactly one endpoint's affinity set holds the client").hasSize(1);
    }

    /**
     * eTP=Local: NodePort traffic goes to {@code local-…} (local endpoints only) without masquerade, so the endpoint
     * sees the client's address (proxier.go external chain, TestExternalTrafficPolicyLocal...).
     */
    @Test
    @Order(1)
    void externalTrafficPolicyLocalKeepsTheClientAddressAndUsesOnlyLocalEndpoints() {
        assertThat(lab.connect("client", NetLab.NODE_IP, 30082, 20, false, 2.0)).as(table())
                .containsOnly("OK pod-a " + NetLab.CLIENT_IP);
    }

    /** eTP=Local without local endpoints: {@code no-endpoint-nodeports { tcp . 30083 : drop }} (not reject). */
    @Test
    @Order(1)
    void externalTrafficPolicyLocalWithoutLocalEndpointsDropsExternalTraffic() {
        assertThat(lab.connect("client", NetLab.NODE_IP, 30083, 2, false, 1.0)).as(table()).containsOnly("ERR TIMEOUT");
        assertThat(backends(lab.connect("client", "10.96.1.8", 80, 5, false, 2.0)))
                .as("its cluster IP still uses every endpoint").containsExactly("pod-b");
    }

    /** iTP=Local: the cluster IP maps to {@code local-…}, only local endpoints. */
    @Test
    @Order(1)
    void internalTrafficPolicyLocalUsesOnlyLocalEndpoints() {
        assertThat(lab.connect("pod-c", "10.96.1.9", 80, 20, false, 2.0)).as(table())
                .allMatch(r -> r.startsWith("OK pod-a"));
    }

    /**
     * Hairpin: a local endpoint's {@code ip . ip . proto . port} is in {@code hairpin-connections}; the masquerading
     * chain's {@code ct status dnat ip saddr . ip daddr . meta l4proto . th dport @hairpin-connections masquerade}
     * makes the reply come back through the node.
     */
    @Test
    @Order(1)
    void hairpinTrafficToItselfIsMasqueraded() {
        assertThat(lab.connect("pod-a", "10.96.1.10", 80, 5, false, 2.0)).as(table())
                .containsOnly("OK pod-a " + NetLab.POD_GATEWAY);
        assertThat(NftRuleset.of(lab, "ip").elementsOf("hairpin-connections"))
                .contains(a + " . " + a + " . tcp . 8080");
    }

    /** {@code no-endpoint-services { ip . tcp . 80 : goto reject-chain }}: ICMP port-unreachable, so ECONNREFUSED at once. */
    @Test
    @Order(1)
    void aServiceWithoutEndpointsIsRefusedImmediately() {
        long start = System.nanoTime();
        assertThat(lab.connect("client", "10.96.1.11", 80, 1, false, 5.0)).as(table()).containsExactly("ERR ECONNREFUSED");
        // Not a performance assertion: a refusal is an ICMP answer, a drop would wait out the 5 s timeout.
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
        assertThat(lab.connect("pod-b", "10.96.1.11", 80, 1, false, 5.0)).as(table()).containsExactly("ERR ECONNREFUSED");
    }

    /**
     * {@code cluster-ips-check}: "Reject traffic to invalid ports of ClusterIPs" (after DNAT, so only un-rewritten
     * traffic is left). pod-c owns the address and serves port 81, so only the proxy's reject keeps the client away.
     */
    @Test
    @Order(1)
    void anUndefinedPortOfAClusterIpIsRejected() {
        assertThat(lab.connect("client", PORTS_IP, 80, 3, false, 2.0)).as(table()).containsOnly("OK pod-a " + NetLab.POD_GATEWAY);
        assertThat(lab.connect("client", PORTS_IP, 81, 1, false, 5.0)).as(table()).containsExactly("ERR ECONNREFUSED");
    }

    /**
     * {@code cluster-ips-check}: {@code ip daddr { <ServiceCIDRs> } drop comment "Drop traffic to unallocated
     * ClusterIPs"}. Upstream drops (it does not reject) an address of a ServiceCIDR that no Service holds. pod-c owns the
     * address, so without the drop the client would get an answer.
     */
    @Test
    @Order(1)
    void anUnallocatedAddressOfTheServiceCidrIsDropped() {
        assertThat(lab.connect("client", UNALLOCATED_IP, 8080, 2, false, 1.0)).as(table()).containsOnly("ERR TIMEOUT");
        assertThat(lab.connect("client", "192.168.60.100", 80, 1, false, 2.0)).as("an address outside the CIDR still works")
                .allMatch(r -> r.startsWith("OK "));
    }

    /**
     * An endpoint change rewrites the service chain; established connections keep their conntrack DNAT (only
     * {@code ct state new} packets reach the NAT chains), new ones use the new endpoint.
     */
    @Test
    @Order(2)
    void anEndpointChangeKeepsEstablishedConnectionsAndMovesNewOnes() throws Exception {
        NetLab.Held held = lab.hold("client", "10.96.1.12", 80, 6.0);
        assertThat(held.awaitReady()).isEqualTo("HOLD READY pod-a");

        sync(cluster(List.of(ep(b, "node-b")), List.of(ep(a, "node-a"))));

        assertThat(lab.connect("client", "10.96.1.12", 80, 10, false, 2.0)).as(table()).allMatch(r -> r.startsWith("OK pod-b"));
        assertThat(held.result()).startsWith("HOLD OK pod-a");
    }

    /**
     * Partial syncs (proxier.go syncProxyRules, skipServiceUpdate): only the changed Service's chains are flushed and
     * rewritten, other services' chains keep their rules (same kernel handles) and the datapath-learned elements of
     * their affinity sets survive. A long-running sluice: its first sync is full, the next (the file changes) partial.
     */
    @Test
    @Order(3)
    void aPartialSyncLeavesOtherServicesChainsAndAffinityUntouched() throws Exception {
        Path file = withMarker(cluster(List.of(ep(b, "node-b")), List.of(ep(a, "node-a")))).write(dir.resolve("live.json"));
        Process sluice = SluiceCli.startDaemon(lab, file, config, dir.resolve("sluice.log"));
        try {
            awaitTable(t -> !t.chainsContaining("-t/marker/tcp/p").isEmpty(), "first sync of the long-running process");
            lab.connect("client", "10.96.1.1", 80, 5, false, 2.0);
            assertThat(backends(lab.connect("client", "10.96.1.6", 80, 3, false, 2.0))).hasSize(1);
            NftRuleset before = NftRuleset.of(lab, "ip");
            Map<String, List<String>> balance = before.chainsContaining("-t/balance/tcp/p");
            Map<String, List<String>> sticky = before.chainsContaining("-t/sticky/tcp/p");
            String learned = stickyElements(before);
            assertThat(balance).isNotEmpty();
            assertThat(learned).contains(NetLab.CLIENT_IP);

            Path tmp = withMarker(cluster(List.of(ep(b, "node-b")), List.of(ep(a, "node-a"), ep(c, "node-c"))))
                    .write(dir.resolve("live.json.tmp"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            awaitTable(t -> t.chainsContaining("-t/growing/tcp/p").values().stream().flatMap(List::stream)
                    .anyMatch(r -> r.contains(c)), "partial sync adding an endpoint to t/growing");

            NftRuleset after = NftRuleset.of(lab, "ip");
            assertThat(after.chainsContaining("-t/balance/tcp/p")).as("balance chains, rule handles included")
                    .isEqualTo(balance);
            assertThat(after.chainsContaining("-t/sticky/tcp/p")).as("sticky chains, rule handles included")
                    .isEqualTo(sticky);
            assertThat(stickyElements(after)).as("learned affinity").contains(NetLab.CLIENT_IP);
            assertThat(backends(lab.connect("client", "10.96.1.13", 80, 30, false, 2.0))).as(table())
                    .containsExactlyInAnyOrder("pod-a", "pod-c");
        } finally {
            sluice.destroy();
            sluice.waitFor();
        }
        assertThat(NftRuleset.of(lab, "ip").chainsContaining("-t/growing/tcp/p")).as("shutdown leaves the rules in place")
                .isNotEmpty();
    }

    /** A service only the long-running process writes: its chain shows when that process's first sync is done. */
    private ClusterObjects withMarker(ClusterObjects objects) {
        return objects.clusterIp("t", "marker", "10.96.1.14", 80).slice("t", "marker", "TCP", 8080, ep(a, "node-a"));
    }

    /** The clients recorded in t/sticky's affinity sets, without the (ticking) expiry times. */
    private static String stickyElements(NftRuleset rules) {
        return String.join(" ", rules.setsStartingWith("affinity-").stream().filter(s -> s.contains("-t/sticky/"))
                .map(rules::elementsOf).map(e -> e.replaceAll(" expires \\S+", "")).toList());
    }

    private void awaitTable(Predicate<NftRuleset> ready, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.test(NftRuleset.of(lab, "ip"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what + "; sluice.log:\n" + log() + "\n" + table().get());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("sluice.log"));
        } catch (IOException e) {
            return "(no sluice.log: " + e + ")";
        }
    }

    /**
     * pkg/proxy/nftables/cleanup.go CleanupLeftovers: {@code delete table ip kube-proxy} and {@code ip6 kube-proxy},
     * nothing else. A foreign table (even one named kube-proxy in the inet family, which kube-proxy never writes) and
     * foreign iptables rules survive.
     */
    @Test
    @Order(4)
    void cleanupRemovesTheKubeProxyTablesAndNothingElse() {
        NetLab.Result add = lab.tryIn(lab.node(), Duration.ofSeconds(20), "nft", "-f", foreignTables().toString());
        assertThat(add.exitCode()).as(add.output()).isZero();
        lab.inNode("iptables", "-A", "INPUT", "-s", "203.0.113.7", "-j", "ACCEPT");

        NetLab.Result cleanup = SluiceCli.run(lab, lab.node(), "cleanup", "--backend", "nftables");
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();

        assertThat(NftRuleset.tables(lab)).doesNotContain("ip kube-proxy", "ip6 kube-proxy")
                .contains("ip foreign", "inet kube-proxy");
        assertThat(lab.inNode("nft", "list", "table", "ip", "foreign")).contains("ip saddr 203.0.113.9 counter");
        assertThat(lab.inNode("nft", "list", "table", "inet", "kube-proxy")).contains("chain mine");
        assertThat(lab.inNode("iptables-save")).contains("-A INPUT -s 203.0.113.7/32 -j ACCEPT");
        assertThat(lab.connect("client", "10.96.1.1", 80, 1, false, 1.0)).noneMatch(r -> r.startsWith("OK "));
    }

    private Path foreignTables() {
        try {
            return Files.writeString(dir.resolve("foreign.nft"), """
                    table ip foreign {
                        chain input {
                            type filter hook input priority 10; policy accept;
                            ip saddr 203.0.113.9 counter accept
                        }
                    }
                    table inet kube-proxy {
                        chain mine {
                            ip saddr 203.0.113.10 accept
                        }
                    }
                    """);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
