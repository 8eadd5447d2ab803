package io.sluice.iptables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.model.IpFamily;
import io.sluice.core.synthetic.SyntheticCluster;
import io.sluice.iptables.exec.FakeIptables;
import io.sluice.iptables.exec.FakeIptablesSystem;
import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.render.JumpRule;
import io.sluice.iptables.render.JumpRules;
import io.sluice.iptables.render.TopLevelRewrite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Self-healing of the iptables backend with {@link TopLevelRewrite#WHEN_CHANGED}: a partial sync that scans the nat
 * table notices what someone else removed (a flushed table, a deleted service chain, a deleted jump from a built-in
 * chain, a flushed top-level chain, a deleted filter chain), turns into a full sync that puts the kernel back exactly
 * as it was, and counts {@code sluice_repairs_total{what}}. Without drift, partial syncs stay partial.
 */
class DriftRepairTest {

    final FakeIptablesSystem system = new FakeIptablesSystem();
    final FakeIptables kernel = system.fake(IpFamily.IPv4);
    final RecordingMetrics metrics = new RecordingMetrics();
    final SyntheticCluster cluster = SyntheticCluster.generate(6, 2, 7);
    IptablesBackend backend;
    String natAfterFullSync;
    String filterAfterFullSync;

    @BeforeEach
    void syncedOnce() throws Exception {
        BackendContext ctx = new BackendContext(IptablesBackendTest.upstreamConfig(), metrics,
                KernelAssumptions.UPSTREAM_TESTS, Clock.systemUTC(), () -> { });
        backend = new IptablesBackend(ctx, system, IptablesBackendTest.UPSTREAM_MARK, TopLevelRewrite.WHEN_CHANGED);
        backend.sync(SyncRequest.full(cluster.snapshot()));
        natAfterFullSync = kernel.save(Iptables.NAT);
        filterAfterFullSync = kernel.save(Iptables.FILTER);
    }

    private boolean periodicSync() throws Exception {
        return backend.sync(new SyncRequest(cluster.snapshot(), Set.of(), false)).fullSync();
    }

    private Map<String, Long> repairs() {
        Map<String, Long> r = new TreeMap<>();
        metrics.values.forEach((k, v) -> {
            if (k.startsWith("repair/")) {
                r.put(k.substring("repair/".length()), v);
            }
        });
        return r;
    }

    private void assertRepaired() {
        assertThat(kernel.save(Iptables.NAT)).isEqualTo(natAfterFullSync);
        assertThat(kernel.save(Iptables.FILTER)).isEqualTo(filterAfterFullSync);
    }

    @Test
    void withoutDriftPartialSyncsStayPartialAndWriteNothing() throws Exception {
        int restores = kernel.restores().size();
        assertThat(periodicSync()).isFalse();
        assertThat(periodicSync()).isFalse();
        assertThat(kernel.restores()).as("nothing changed: no restore").hasSize(restores);
        assertThat(repairs()).isEmpty();

        SyntheticCluster changed = cluster.withEndpointChanged(2, 1);
        assertThat(backend.sync(new SyncRequest(changed.snapshot(), Set.of(changed.service(2)), false)).fullSync())
                .as("a change is still a partial sync").isFalse();
        assertThat(repairs()).isEmpty();
    }

    @Test
    void aFlushedAndEmptiedNatTableIsRepairedByTheNextPeriodicSync() throws Exception {
        for (String chain : kernel.chains(Iptables.NAT)) {           // iptables -t nat -F; iptables -t nat -X
            if (chain.startsWith("KUBE-")) {
                kernel.removeChainForcibly(Iptables.NAT, chain);
            } else {
                kernel.flushChain(Iptables.NAT, chain);
            }
        }
        assertThat(periodicSync()).as("turned full").isTrue();
        assertRepaired();
        assertThat(repairs()).containsEntry("iptables/chain", 1L).containsEntry("iptables/jump", 1L)
                .containsEntry("iptables/canary", 1L);
        assertThat(periodicSync()).as("back to partial once repaired").isFalse();
    }

    @Test
    void aDeletedServiceChainIsRepaired() throws Exception {
        String svc = kernel.chains(Iptables.NAT).stream().filter(c -> c.startsWith("KUBE-SVC-")).findFirst()
                .orElseThrow();
        kernel.removeChainForcibly(Iptables.NAT, svc);
        assertThat(periodicSync()).isTrue();
        assertRepaired();
        assertThat(repairs()).containsExactly(Map.entry("iptables/chain", 1L));
    }

    @Test
    void aDeletedJumpFromPreroutingIsRepaired() throws Exception {
        JumpRule prerouting = JumpRules.forFamily(IpFamily.IPv4).stream()
                .filter(j -> j.table().equals("nat") && j.fromChain().equals("PREROUTING")).findFirst().orElseThrow();
        assertThat(kernel.deleteRule(Iptables.NAT, "PREROUTING", JumpSpecs.spec(prerouting))).isTrue();
        assertThat(periodicSync()).isTrue();
        assertRepaired();
        assertThat(repairs()).containsExactly(Map.entry("iptables/jump", 1L));
    }

    @Test
    void aFlushedTopLevelChainIsRepaired() throws Exception {
        kernel.flushChain(Iptables.NAT, "KUBE-SERVICES");
        assertThat(periodicSync()).isTrue();
        assertRepaired();
        assertThat(repairs()).containsExactly(Map.entry("iptables/rules", 1L));
    }

    @Test
    void rulesOthersAddToASharedChainAreNotDrift() throws Exception {
        kernel.injectRule(Iptables.NAT, "KUBE-POSTROUTING", "-m comment --comment kubelet -j RETURN");
        assertThat(periodicSync()).as("more rules than written: kubelet's, left alone").isFalse();
        assertThat(repairs()).isEmpty();
    }

    @Test
    void aDeletedFilterChainIsRepaired() throws Exception {
        for (String from : List.of("FORWARD")) {
            kernel.flushChain(Iptables.FILTER, from);
        }
        kernel.removeChainForcibly(Iptables.FILTER, "KUBE-FORWARD");
        assertThat(periodicSync()).isTrue();
        assertRepaired();
        assertThat(repairs()).containsEntry("iptables/chain", 1L).containsEntry("iptables/jump", 1L);
    }
}
