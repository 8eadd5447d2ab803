package io.sluice.iptables.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.model.NamespacedName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream's own test vectors (TestOverallIPTablesRules, TestSyncProxyRulesRepeated), copied from kube-proxy's
 * proxier_test.go: render, normalise with {@code sortIPTablesRules}, compare byte for byte.
 */
class ConformanceTest {

    @Test
    void overallIptablesRulesMatchUpstreamByteForByte() {
        K8sFixture f = K8sFixture.load("overall-iptables-rules.input.json");
        RenderOptions options = f.options();
        JsonNode step = f.steps().get(0);
        f.services.clear();
        for (JsonNode o : step.get("objects")) {
            (o.get("kind").asText().equals("Service") ? f.services : f.slices).put(
                    new NamespacedName(o.at("/metadata/namespace").asText(), o.at("/metadata/name").asText()), o);
        }
        RenderedRules r = new IptablesRenderer(options).render(f.snapshot(options.nodeName()),
                RenderRequest.full(Set.of()));

        String expected = K8sFixture.readText(K8sFixture.RESOURCES + step.get("expected").asText());
        assertThat(IptablesDump.normalise(r.payload())).isEqualTo(expected);
        assertThat(IptablesDump.checkRuleJumps(r.payload())).isEmpty();
        // sync_proxy_rules_iptables_total{table="nat"} equals the nat -A rules of a first full sync.
        assertThat(r.natTotal()).isEqualTo(IptablesDump.count(r.payload(), "nat", "-A "));
        assertThat(r.filterRules()).isEqualTo(IptablesDump.count(r.payload(), "filter", "-A "));
        assertThat(r.noLocalEndpointsExternal()).isEqualTo(1); // ns2/svc2: eTP=Local, no local endpoint
        assertThat(r.noLocalEndpointsInternal()).isZero();
    }

    /**
     * The nine syncs of TestSyncProxyRulesRepeated with a fake kernel in between: existing chains are what the kernel
     * holds after applying each payload; step 9 first fails a partial restore (a dangling reference injected into the
     * kernel blocks a {@code -X}), which leaves the kernel unchanged and forces the next sync to be full.
     */
    @Test
    void syncRepeatedPartialSyncsMatchUpstreamPayloadsAndRuleCounts() {
        K8sFixture f = K8sFixture.load("sync-repeated.input.json");
        RenderOptions options = f.options();
        IptablesRenderer renderer = new IptablesRenderer(options);
        FakeNatKernel kernel = new FakeNatKernel();
        boolean needFullSync = f.config().path("initialNeedFullSync").asBoolean();
        Set<NamespacedName> pending = new java.util.HashSet<>();
        List<Long> totals = new ArrayList<>();
        List<Long> lasts = new ArrayList<>();
        int partialFailures = 0;

        for (JsonNode step : f.steps()) {
            String op = step.path("op").asText();
            if (op.equals("inject-kernel-rule")) {
                kernel.inject(step.get("rule").asText());
                continue;
            }
            if (!op.equals("none")) {
                pending.addAll(f.apply(step));
            }
            RenderRequest request = new RenderRequest(needFullSync, pending, kernel.chainNames());
            RenderedRules r = renderer.render(f.snapshot(options.nodeName()), request);
            boolean applied = kernel.apply(r.payload());
            if (step.path("expectRestoreFailure").asBoolean()) {
                assertThat(applied).as("partial restore must fail").isFalse();
                assertThat(request.fullSync()).isFalse();
                partialFailures++;
                needFullSync = true; // upstream: any failed sync forces a full sync next time
                pending.clear(); // the changes were consumed by the failed sync
                continue;
            }
            assertThat(applied).as("payload applies: " + step).isTrue();
            needFullSync = false;
            pending.clear();

            String expected = K8sFixture.readText(K8sFixture.RESOURCES + step.get("expected").asText());
            assertThat(IptablesDump.normalise(r.payload())).as(step.get("expected").asText()).isEqualTo(expected);
            if (step.path("checkConsistency").asBoolean() || request.fullSync()) {
                assertThat(IptablesDump.checkRuleJumps(r.payload())).isEmpty();
            }
            assertThat(r.natLast()).isEqualTo(IptablesDump.count(r.payload(), "nat", "-A "));
            totals.add(r.natTotal());
            lasts.add(r.natLast());
        }
        assertThat(partialFailures).isEqualTo(1);
        assertThat(totals).containsExactly(15L, 20L, 15L, 15L, 20L, 20L, 23L, 23L, 18L);
        assertThat(lasts).containsExactly(15L, 12L, 7L, 7L, 12L, 12L, 15L, 8L, 18L);
    }
}
