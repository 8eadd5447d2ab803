package io.sluice.iptables;

import io.sluice.core.conntrack.UdpSnapshots;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.iptables.exec.FakeIptables;
import io.sluice.iptables.exec.FakeIptablesSystem;
import io.sluice.iptables.exec.IptablesException;
import io.sluice.iptables.render.JumpRule;
import io.sluice.iptables.render.JumpRules;
import io.sluice.iptables.render.RenderOptions;
import io.sluice.iptables.render.TopLevelRewrite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IptablesBackendTest {
    /** Upstream's NewFakeProxier injects the mark as 0x4000 (kube-proxy itself prints 0x00004000). */
    static final UnaryOperator<RenderOptions> UPSTREAM_MARK = o -> new RenderOptions(o.family(), o.nodeName(),
            o.nodeIPs(), "0x4000", o.masqueradeAll(), o.localDetector(), o.localhostNodePorts(),
            o.nodePortAddresses(), o.conntrackTcpBeLiberal(), o.randomFully(), o.nfacctCtStateInvalid(),
            o.nfacctLocalhostNodePorts());
    static final int[] NAT_TOTAL = {15, 20, 15, 15, 20, 20, 23, 23, 18};
    static final int[] NAT_LAST = {15, 12, 7, 7, 12, 12, 15, 8, 18};

    final FakeIptablesSystem system = new FakeIptablesSystem();
    final FakeIptables kernel = system.fake(IpFamily.IPv4);
    final RecordingMetrics metrics = new RecordingMetrics();
    final AtomicInteger fullSyncRequests = new AtomicInteger();
    IptablesBackend backend;

    static ProxyConfig upstreamConfig() {
        ProxyConfig d = ProxyConfig.defaults("test-node");
        return new ProxyConfig(d.mode(), "test-node", List.of("10.0.0.0/8"), "ClusterCIDR", d.detectLocal(),
                List.of(), d.iptables(), d.ipvs(), d.conntrack(), d.metricsBindAddress(), d.healthzBindAddress(),
                d.kubeconfig(), d.configSyncPeriod(), d.serviceProxyName());
    }

    @BeforeEach
    void setUp() {
        BackendContext ctx = new BackendContext(upstreamConfig(), metrics, KernelAssumptions.UPSTREAM_TESTS,
                Clock.systemUTC(), fullSyncRequests::incrementAndGet);
        backend = new IptablesBackend(ctx, system, UPSTREAM_MARK, TopLevelRewrite.ALWAYS);
    }

    private IptablesBackend whenChangedBackend(FakeIptablesSystem sys, RecordingMetrics m) {
        BackendContext ctx = new BackendContext(upstreamConfig(), m, KernelAssumptions.UPSTREAM_TESTS,
                Clock.systemUTC(), () -> { });
        return new IptablesBackend(ctx, sys, UPSTREAM_MARK, TopLevelRewrite.WHEN_CHANGED);
    }

    /** Rules in kube-proxy's own chains of a table (what {@code iptables_total} counts). */
    static long kubeRules(FakeIptables k, String table) {
        return k.chains(table).stream().filter(c -> c.startsWith("KUBE-"))
                .mapToLong(c -> k.rules(table, c).map(List::size).orElse(0)).sum();
    }

    /**
     * The same replay with {@link TopLevelRewrite#WHEN_CHANGED}: after every step the kernel holds exactly what the
     * kube-proxy-parity (ALWAYS) backend leaves, the payloads leave unchanged top-level chains out, and
     * {@code iptables_total} equals the rules in the kernel.
     */
    @Test
    void syncRepeatedScenarioInWhenChangedModeLeavesTheSameKernelState() throws Exception {
        SyncRepeatedScenario scenario = new SyncRepeatedScenario();
        FakeIptablesSystem otherSystem = new FakeIptablesSystem();
        FakeIptables other = otherSystem.fake(IpFamily.IPv4);
        RecordingMetrics otherMetrics = new RecordingMetrics();
        IptablesBackend whenChanged = whenChangedBackend(otherSystem, otherMetrics);
        int step = 0;
        try {
            for (JsonNode s : scenario.steps) {
                step++;
                String op = s.get("op").asText();
                if (op.equals("inject-kernel-rule")) {
                    String rule = s.get("rule").asText();
                    String chain = rule.split(" ")[1];
                    for (FakeIptables k : List.of(kernel, other)) {
                        k.injectRule(s.get("table").asText(), chain, rule.substring(("-A " + chain + " ").length()));
                    }
                    continue;
                }
                Set<NamespacedName> changed = scenario.apply(s);
                SyncRequest request = new SyncRequest(scenario.snapshot(), changed, false);
                int restoresBefore = other.restores().size();
                if (s.path("expectRestoreFailure").asBoolean(false)) {
                    assertThatThrownBy(() -> backend.sync(request)).isInstanceOf(SyncException.class);
                    assertThatThrownBy(() -> whenChanged.sync(request)).isInstanceOf(SyncException.class);
                    assertThat(otherMetrics.get("partialRestoreFailure/IPv4")).isEqualTo(1);
                } else {
                    backend.sync(request);
                    whenChanged.sync(request);
                }
                for (String table : List.of("filter", "nat")) {
                    assertThat(other.save(table)).as("step %d (%s) %s", step, op, table)
                            .isEqualTo(kernel.save(table));
                    if (!s.path("expectRestoreFailure").asBoolean(false)) {
                        assertThat(otherMetrics.get("total/" + table + "/IPv4")).as("step %d %s total", step, table)
                                .isEqualTo(kubeRules(other, table))
                                .isEqualTo(metrics.get("total/" + table + "/IPv4"));
                    }
                }
                String expected = s.path("expected").asText("");
                List<String> payloads = other.restores().subList(restoresBefore, other.restores().size());
                if (expected.contains("change-svc3-endpoint")) {
                    assertThat(payloads).singleElement().satisfies(p -> {
                        assertThat(p).as("endpoint change only").doesNotContain("KUBE-SERVICES")
                                .doesNotContain("*filter");
                        assertThat(otherMetrics.get("last/filter/IPv4")).isZero();
                    });
                } else if (expected.contains("no-change")) {
                    assertThat(payloads).as("nothing changed: no restore").isEmpty();
                    assertThat(otherMetrics.get("last/nat/IPv4")).isZero();
                } else if (expected.contains("03-delete-svc2") || expected.contains("02-add-svc3")) {
                    assertThat(payloads).singleElement().asString().contains(":KUBE-SERVICES - [0:0]");
                }
            }
        } finally {
            whenChanged.close();
        }
        assertThat(step).isEqualTo(scenario.steps.size());
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void syncRepeatedScenarioMatchesUpstreamPayloadsAndMetrics() throws Exception {
        SyncRepeatedScenario scenario = new SyncRepeatedScenario();
        int expectedIndex = 0;
        int restoresBefore;
        for (JsonNode step : scenario.steps) {
            String op = step.get("op").asText();
            if (op.equals("inject-kernel-rule")) {
                String rule = step.get("rule").asText();
                String chain = rule.split(" ")[1];
                kernel.injectRule(step.get("table").asText(), chain, rule.substring(("-A " + chain + " ").length()));
                continue;
            }
            Set<NamespacedName> changed = scenario.apply(step);
            ProxySnapshot snapshot = scenario.snapshot();
            SyncRequest request = new SyncRequest(snapshot, changed, false);
            restoresBefore = kernel.restores().size();
            if (step.path("expectRestoreFailure").asBoolean(false)) {
                String before = kernel.save("nat") + kernel.save("filter");
                long partialFailures = metrics.get("partialRestoreFailure/IPv4");
                assertThatThrownBy(() -> backend.sync(request)).isInstanceOf(SyncException.class);
                assertThat(metrics.get("partialRestoreFailure/IPv4") - partialFailures)
                        .isEqualTo(step.get("expectPartialRestoreFailuresDelta").asLong());
                assertThat(backend.state(IpFamily.IPv4).needFull).isTrue();
                assertThat(kernel.save("nat") + kernel.save("filter")).as("a failed restore changes nothing")
                        .isEqualTo(before);
                continue;
            }
            SyncResult result = backend.sync(request);
            String payload = kernel.restores().get(restoresBefore);
            assertThat(kernel.restores()).hasSize(restoresBefore + 1);
            assertThat(IptablesDumpNormalizer.normalize(payload)).as(step.get("expected").asText())
                    .isEqualTo(SyncRepeatedScenario.resource(step.get("expected").asText()));
            assertThat(result.fullSync()).as("step %d full", expectedIndex + 1)
                    .isEqualTo(expectedIndex == 0 || expectedIndex == 8);
            assertThat(metrics.get("total/nat/IPv4")).as("nat total after step %d", expectedIndex + 1)
                    .isEqualTo(NAT_TOTAL[expectedIndex]);
            assertThat(metrics.get("last/nat/IPv4")).as("nat last after step %d", expectedIndex + 1)
                    .isEqualTo(NAT_LAST[expectedIndex]);
            expectedIndex++;
        }
        assertThat(expectedIndex).isEqualTo(9);
        assertThat(metrics.get("restoreFailure/IPv4")).isEqualTo(1);
    }

    @Test
    void jumpRulesAreEnsuredOnFullSyncsOnlyAndNeverDuplicated() throws Exception {
        ProxySnapshot snapshot = ProxySnapshot.empty("test-node");
        backend.sync(SyncRequest.full(snapshot));
        List<JumpRule> jumps = JumpRules.forFamily(IpFamily.IPv4);
        assertThat(countOps("-I")).isEqualTo(jumps.size());

        int checks = countOps("-C");
        backend.sync(new SyncRequest(snapshot, Set.of(), false));
        assertThat(countOps("-C")).as("a partial sync checks no jump rule").isEqualTo(checks);

        backend.sync(SyncRequest.full(snapshot));
        assertThat(countOps("-C")).isEqualTo(checks + jumps.size());
        assertThat(countOps("-I")).as("present rules are not inserted again").isEqualTo(jumps.size());
        for (JumpRule j : jumps) {
            String text = io.sluice.iptables.exec.RuleText.join(JumpSpecs.spec(j));
            assertThat(Collections.frequency(kernel.rules(j.table(), j.fromChain()).orElseThrow(), text))
                    .as(j.toString()).isEqualTo(1);
        }
    }

    @Test
    void canaryLossRequestsAFullSyncAndLockBusyIsNotLoss() throws Exception {
        ProxySnapshot snapshot = ProxySnapshot.empty("test-node");
        backend.sync(SyncRequest.full(snapshot));
        backend.sync(new SyncRequest(snapshot, Set.of(), false));
        IptablesBackend.FamilyState state = backend.state(IpFamily.IPv4);
        assertThat(state.needFull).isFalse();
        assertThat(state.canary.check()).isFalse();

        kernel.failOperations(op -> op.get(0).equals("-S"), IptablesException.RESOURCE_PROBLEM);
        assertThat(state.canary.check()).as("exit status 4 is not a lost canary").isFalse();
        assertThat(fullSyncRequests).hasValue(0);
        kernel.failOperations(op -> false, 0);

        for (String table : CanaryMonitor.TABLES) {
            kernel.removeChainForcibly(table, CanaryMonitor.CANARY);
        }
        assertThat(state.canary.check()).isTrue();
        assertThat(fullSyncRequests).hasValue(1);
        assertThat(state.needFull).isTrue();
        assertThat(kernel.rules("mangle", CanaryMonitor.CANARY)).as("canary re-created").isPresent();
        assertThat(backend.sync(new SyncRequest(snapshot, Set.of(), false)).fullSync()).isTrue();
    }

    @Test
    void cleanupRemovesOnlyKubeProxyChainsAndJumpRulesAndLeavesKubeletsFirewallChain() throws Exception {
        kernel.injectChain("filter", "KUBE-KUBELET-CANARY");
        kernel.injectChain("filter", "KUBE-FIREWALL");
        kernel.injectRule("filter", "INPUT", "-j KUBE-FIREWALL");
        kernel.injectRule("filter", "INPUT", "-j ACCEPT");
        kernel.injectChain("nat", "FOREIGN");
        kernel.injectRule("nat", "FOREIGN", "-j RETURN");
        kernel.injectRule("nat", "PREROUTING", "-j FOREIGN");
        SyncRepeatedScenario scenario = new SyncRepeatedScenario();
        scenario.apply(scenario.steps.get(0));
        backend.sync(SyncRequest.full(scenario.snapshot()));
        assertThat(kernel.chains("nat")).anyMatch(c -> c.startsWith("KUBE-SEP-"));

        backend.cleanup();
        backend.cleanup();

        assertThat(kernel.chains("nat")).noneMatch(c -> c.startsWith("KUBE-")).contains("FOREIGN");
        assertThat(kernel.chains("filter")).filteredOn(c -> c.startsWith("KUBE-"))
                .containsExactlyInAnyOrder("KUBE-FIREWALL", "KUBE-KUBELET-CANARY");
        assertThat(kernel.chains("mangle")).noneMatch(c -> c.startsWith("KUBE-"));
        assertThat(kernel.rules("filter", "INPUT").orElseThrow()).containsExactly("-j KUBE-FIREWALL", "-j ACCEPT");
        assertThat(kernel.rules("filter", "OUTPUT").orElseThrow()).containsExactly("-j KUBE-FIREWALL");
        assertThat(kernel.rules("nat", "PREROUTING").orElseThrow()).containsExactly("-j FOREIGN");
        assertThat(kernel.rules("nat", "FOREIGN").orElseThrow()).containsExactly("-j RETURN");
        assertThat(kernel.rules("filter", "KUBE-FIREWALL").orElseThrow()).isNotEmpty();
    }

    @Test
    void onANodeWhereKubeletDoesNotManageIptablesCleanupLeavesNoKubeChainAtAll() throws Exception {
        kernel.injectRule("filter", "INPUT", "-j ACCEPT");
        SyncRepeatedScenario scenario = new SyncRepeatedScenario();
        scenario.apply(scenario.steps.get(0));
        backend.sync(SyncRequest.full(scenario.snapshot()));
        assertThat(kernel.chains("filter")).contains("KUBE-FIREWALL");

        backend.cleanup();
        backend.cleanup();

        assertThat(kernel.chains("filter")).noneMatch(c -> c.startsWith("KUBE-"));
        assertThat(kernel.rules("filter", "INPUT").orElseThrow()).containsExactly("-j ACCEPT");
        assertThat(kernel.rules("filter", "OUTPUT").orElseThrow()).isEmpty();
    }

    @Test
    void cleanupLeavesAFirewallChainHoldingRulesSluiceDidNotWrite() throws Exception {
        SyncRepeatedScenario scenario = new SyncRepeatedScenario();
        scenario.apply(scenario.steps.get(0));
        backend.sync(SyncRequest.full(scenario.snapshot()));
        kernel.injectRule("filter", "KUBE-FIREWALL", "-s 203.0.113.0/24 -j DROP");

        backend.cleanup();

        assertThat(kernel.rules("filter", "KUBE-FIREWALL").orElseThrow()).contains("-s 203.0.113.0/24 -j DROP");
        assertThat(kernel.rules("filter", "INPUT").orElseThrow()).contains("-j KUBE-FIREWALL");
    }

    @Test
    void routeLocalnetIsLeftAloneWhenNodePortAddressesExcludeLoopback() throws Exception {
        ProxyConfig d = upstreamConfig();
        ProxyConfig noLoopback = new ProxyConfig(d.mode(), "test-node", d.clusterCIDRs(), d.detectLocalMode(),
                d.detectLocal(), List.of("192.168.0.0/16"), d.iptables(), d.ipvs(), d.conntrack(),
                d.metricsBindAddress(), d.healthzBindAddress(), d.kubeconfig(), d.configSyncPeriod(), "");
        FakeIptablesSystem sys = new FakeIptablesSystem();
        IptablesBackend b = new IptablesBackend(new BackendContext(noLoopback, new RecordingMetrics(),
                KernelAssumptions.UPSTREAM_TESTS, null, null), sys, UPSTREAM_MARK, TopLevelRewrite.ALWAYS);

        b.sync(SyncRequest.full(ProxySnapshot.empty("test-node")));

        assertThat(sys.sysctl().get(IptablesBackend.ROUTE_LOCALNET)).isEmpty();
    }

    @Test
    void aServicePortTheRendererRefusesIsCountedOnceNotOnEverySync() throws Exception {
        var name = io.sluice.core.model.ServicePortName.of("ns", "bad\"name", "p", io.sluice.core.model.Protocol.TCP);
        var port = new io.sluice.core.model.ServicePort(name, io.sluice.core.model.ServiceType.ClusterIP,
                List.of("10.96.0.9"), 80, 0, List.of(), List.of(), List.of(), io.sluice.core.model.TrafficPolicy.Cluster,
                io.sluice.core.model.TrafficPolicy.Cluster, null, 0, "");
        var services = new java.util.TreeMap<io.sluice.core.model.ServicePortName, io.sluice.core.model.ServicePort>();
        services.put(name, port);
        ProxySnapshot snapshot = new ProxySnapshot(services, new java.util.TreeMap<>(),
                io.sluice.core.model.NodeInfo.named("test-node"));

        backend.sync(SyncRequest.full(snapshot));
        backend.sync(new SyncRequest(snapshot, Set.of(), false));

        assertThat(metrics.values).containsEntry("invalid/Service/ns/bad\"name/unsafe-for-iptables", 1L);
        assertThat(kernel.save("nat")).doesNotContain("bad");
    }

    @Test
    void fullSyncSetsRouteLocalnetAndDualStackRendersBothFamilies() throws Exception {
        backend.sync(SyncRequest.full(ProxySnapshot.empty("test-node")));
        assertThat(system.sysctl().get(IptablesBackend.ROUTE_LOCALNET)).hasValue("1");

        ProxySnapshot dual = new ProxySnapshot(new java.util.TreeMap<>(), new java.util.TreeMap<>(),
                new io.sluice.core.model.NodeInfo("test-node", List.of("192.168.0.2", "fd00::2"),
                        new java.util.TreeMap<>(), false));
        String dump = backend.render(dual);
        assertThat(dump).contains("\n# IPv6\n*filter\n").startsWith("*filter\n");
        assertThat(dump).isEqualTo(backend.render(dual));
        backend.sync(SyncRequest.full(dual));
        assertThat(system.fake(IpFamily.IPv6).restores()).hasSize(1);
    }

    @Test
    void anyFailureMakesTheNextSyncFull() throws Exception {
        ProxySnapshot snapshot = ProxySnapshot.empty("test-node");
        backend.sync(SyncRequest.full(snapshot));
        kernel.failNextRestore("injected");
        assertThatThrownBy(() -> backend.sync(new SyncRequest(snapshot, Set.of(), false)))
                .isInstanceOf(SyncException.class).hasMessageContaining("injected");
        assertThat(metrics.get("restoreFailure/IPv4")).isEqualTo(1);
        assertThat(metrics.get("partialRestoreFailure/IPv4")).isEqualTo(1);
        assertThat(backend.sync(new SyncRequest(snapshot, Set.of(), false)).fullSync()).isTrue();
        assertThat(backend.sync(new SyncRequest(snapshot, Set.of(), false)).fullSync()).isFalse();
    }

    @Test
    void largeClustersScanForStaleChainsOncePerSyncPeriod() throws Exception {
        io.sluice.core.synthetic.SyntheticCluster cluster = io.sluice.core.synthetic.SyntheticCluster.generate(120, 10, 1);
        backend.sync(SyncRequest.full(cluster.snapshot()));
        assertThat(kernel.saves()).containsExactly("nat");
        io.sluice.core.synthetic.SyntheticCluster changed = cluster.withEndpointChanged(3, 1);
        SyncResult r = backend.sync(new SyncRequest(changed.snapshot(), Set.of(cluster.service(3)), false));
        assertThat(r.fullSync()).isFalse();
        assertThat(kernel.saves()).as("no iptables-save within syncPeriod above 1000 endpoints").hasSize(1);

        ProxySnapshot small = ProxySnapshot.empty("test-node");
        backend.sync(new SyncRequest(small, Set.of(), false));
        assertThat(kernel.saves()).as("a scanning partial sync also checks filter for drift")
                .containsExactly("nat", "nat", "filter");
    }

    @Test
    void removedUdpEndpointsGetTheirConntrackEntriesDeletedAfterASuccessfulSync() throws Exception {
        ProxySnapshot one = UdpSnapshots.dns("n", java.util.Map.of(UdpSnapshots.DNS,
                List.of(io.sluice.core.model.Endpoint.ready("10.1.0.5", 53))));
        ProxySnapshot moved = UdpSnapshots.dns("n", java.util.Map.of(UdpSnapshots.DNS,
                List.of(io.sluice.core.model.Endpoint.ready("10.1.0.6", 53))));
        backend.sync(SyncRequest.full(one));
        int before = system.commandLog().size();
        backend.sync(new SyncRequest(moved, Set.of(UdpSnapshots.DNS.service()), false));
        assertThat(system.commandLog().subList(before, system.commandLog().size())).contains(
                List.of("conntrack", "-D", "-p", "udp", "--orig-dst", "10.96.0.10", "--orig-port-dst", "53",
                        "--dst-nat", "10.1.0.5"),
                List.of("conntrack", "-D", "-p", "udp", "--orig-port-dst", "30053", "--dst-nat", "10.1.0.5"));

        kernel.failNextRestore("injected");
        int afterFailure = system.commandLog().size();
        assertThatThrownBy(() -> backend.sync(new SyncRequest(one, Set.of(UdpSnapshots.DNS.service()),
                false))).isInstanceOf(SyncException.class);
        assertThat(system.commandLog().subList(afterFailure, system.commandLog().size()))
                .as("nothing is cleared when the rules were not applied").noneMatch(c -> c.get(0).equals("conntrack"));
    }

    private int countOps(String op) {
        List<List<String>> ops = new ArrayList<>(kernel.operations());
        return (int) ops.stream().filter(o -> o.get(0).equals(op)).count();
    }
}
