package io.sluice.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.sync.ManualTime;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.render.NftablesRenderOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream's own vectors (kube-proxy pkg/proxy/nftables/proxier_test.go TestOverallNFTablesRules and
 * TestSyncProxyRulesRepeated): sync through the backend into an in-memory nft, dump the table state, normalise both
 * sides with sortNFTablesTransaction, compare byte for byte; partial syncs also compare the number of operations of the
 * last transaction and the stale chains.
 */
class NftablesConformanceTest {
    private static final String TABLE = NftablesRenderOptions.TABLE;

    @Test
    void overallNftablesRulesMatchUpstream() {
        K8sFixture f = K8sFixture.load("overall-nftables-rules.input.json");
        JsonNode step = f.steps().get(0);
        f.apply(step);
        FakeNft nft = new FakeNft();
        NftablesBackend backend = backend(f, nft, new ManualTime());

        sync(backend, f, Set.of(), true);

        String expected = K8sFixture.readText(K8sFixture.RESOURCES + "overall-nftables-rules.expected.sorted.txt");
        assertThat(NftDump.sort(nft.dump(NftFamily.IP, TABLE))).isEqualTo(expected);
    }

    @Test
    void dumpOfTheFullSyncMatchesUpstreamAfterUpstreamsNormalisation() {
        K8sFixture f = K8sFixture.load("overall-nftables-rules.input.json");
        f.apply(f.steps().get(0));
        NftablesBackend backend = backend(f, new FakeNft(), new ManualTime());

        String dump = backend.render(f.snapshot("test-node"));
        String ipv4 = dump.substring(0, dump.indexOf("# IPv6\n"));
        List<String> adds = ipv4.lines().filter(l -> l.startsWith("add ")).toList();

        String expected = K8sFixture.readText(K8sFixture.RESOURCES + "overall-nftables-rules.expected.sorted.txt");
        assertThat(NftDump.sort(String.join("\n", adds))).isEqualTo(expected);
        assertThat(backend.render(f.snapshot("test-node"))).isEqualTo(dump);
    }

    @Test
    void syncRepeatedMatchesUpstreamStatesOperationCountsAndStaleChains() {
        K8sFixture f = K8sFixture.load("sync-repeated.input.json");
        FakeNft nft = new FakeNft();
        ManualTime time = new ManualTime();
        NftablesBackend backend = backend(f, nft, time);
        boolean full = f.config().path("initialNeedFullSync").asBoolean();
        Set<NamespacedName> changed = new HashSet<>();
        List<String> checked = new ArrayList<>();

        for (JsonNode step : f.steps()) {
            String op = step.path("op").asText();
            if (op.equals("age-stale-chains")) {
                time.advance(Duration.ofSeconds(2)); // upstream moves every stale timestamp 2 s back
            } else if (!op.equals("none")) {
                changed.addAll(f.apply(step));
            }
            if (!step.has("then")) {
                continue;
            }
            time.advance(Duration.ofMillis(10));
            sync(backend, f, changed, full);
            full = false;
            changed.clear();
            if (!step.has("expected")) {
                continue;
            }
            String name = step.get("expected").asText();
            String expected = K8sFixture.readText(K8sFixture.RESOURCES + name.replace(".txt", ".sorted.txt"));
            assertThat(NftDump.sort(nft.dump(NftFamily.IP, TABLE))).as(name).isEqualTo(expected);
            if (step.has("expectNumOperations")) {
                assertThat(backend.state(IpFamily.IPv4).lastOperations()).as(name + " operations")
                        .isEqualTo(step.get("expectNumOperations").asInt());
            }
            if (step.has("expectStaleChains")) {
                List<String> stale = new ArrayList<>();
                step.get("expectStaleChains").forEach(n -> stale.add(n.asText()));
                assertThat(backend.state(IpFamily.IPv4).committed().staleChains().keySet()).as(name + " stale")
                        .containsExactlyInAnyOrderElementsOf(stale);
            }
            checked.add(name);
        }
        assertThat(checked).hasSize(12);
    }

    static NftablesBackend backend(K8sFixture f, FakeNft nft, ManualTime time) {
        ProxyConfig cfg = ProxyConfig.defaults("test-node").withMode("nftables");
        BackendContext ctx = new BackendContext(cfg, null, null, time.clock(), null);
        NftablesRenderOptions options = f.options();
        return new NftablesBackend(ctx, nft, o -> o.family() == options.family() ? options : o);
    }

    static void sync(NftablesBackend backend, K8sFixture f, Set<NamespacedName> changed, boolean full) {
        try {
            backend.sync(new SyncRequest(f.snapshot("test-node"), changed, full));
        } catch (io.sluice.core.backend.SyncException e) {
            throw new AssertionError(e);
        }
    }
}
