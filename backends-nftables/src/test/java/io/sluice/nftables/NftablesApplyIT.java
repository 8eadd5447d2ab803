package io.sluice.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.sync.ManualTime;
import io.sluice.nftables.exec.ProcessNft;
import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sluice.nftables.Snapshots.clusterIP;
import static io.sluice.nftables.Snapshots.ep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The applier against the real kernel's nf_tables through {@code nft -f -}, inside a fresh network namespace
 * {@code slnft-it-*} per test (never the host's): full and partial transactions are accepted, the table holds what
 * they say, a partial sync leaves other services' chains untouched (same rule handles), stale chains are deleted, and
 * upstream's vectors load into a real kernel.
 */
class NftablesApplyIT {
    private final CommandRunner runner = new ProcessCommandRunner();
    private final List<String> namespaces = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (String ns : namespaces) {
            runner.run(List.of("ip", "netns", "del", ns));
        }
    }

    private String namespace(String tag) {
        PrivilegedTier.require("ip", "nft");
        String ns = "slnft-it-" + tag + "-" + ProcessHandle.current().pid() % 100000;
        runner.run(List.of("ip", "netns", "del", ns));
        ok("ip", "netns", "add", ns);
        namespaces.add(ns);
        ok("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    private String ok(String... argv) {
        CommandRunner.CommandResult r = runner.run(List.of(argv), "", Duration.ofMinutes(2));
        assertThat(r.exitCode()).as("%s: %s", String.join(" ", argv), r.stderr()).isZero();
        return r.stdout();
    }

    private String listTable(String ns) {
        return ok("ip", "netns", "exec", ns, "nft", "list", "table", "ip", "kube-proxy");
    }

    /** Rule handles of one chain ({@code nft -a list chain}), in order. */
    private List<String> handles(String ns, String chain) {
        String out = ok("ip", "netns", "exec", ns, "nft", "-a", "list", "chain", "ip", "kube-proxy", chain);
        List<String> h = new ArrayList<>();
        Matcher m = Pattern.compile("# handle (\\d+)").matcher(out);
        while (m.find()) {
            h.add(m.group(1));
        }
        return h;
    }

    private NftablesBackend backend(String ns, ManualTime time) {
        ProxyConfig cfg = ProxyConfig.defaults(Snapshots.NODE).withMode("nftables");
        return new NftablesBackend(new BackendContext(cfg, new RecordingMetrics(), null, time.clock(), null),
                new ProcessNft(runner, List.of("ip", "netns", "exec", ns)));
    }

    @Test
    void fullThenPartialSyncTouchesOnlyTheChangedService() throws SyncException {
        String ns = namespace("partial");
        ManualTime time = new ManualTime();
        NftablesBackend backend = backend(ns, time);
        Snapshots cluster = new Snapshots()
                .service(clusterIP("ns", "a", "10.96.0.1"), ep("10.244.1.1", Snapshots.NODE))
                .service(clusterIP("ns", "b", "10.96.0.2"), ep("10.244.2.1", "node-b"), ep("10.244.2.2", "node-b"));
        String chainA = "service-" + NftablesBackendTest.hashOf("ns/a/tcp/http") + "-ns/a/tcp/http";
        String chainB = "service-" + NftablesBackendTest.hashOf("ns/b/tcp/http") + "-ns/b/tcp/http";

        backend.sync(new SyncRequest(cluster.build(), Set.of(), true));
        String full = listTable(ns);
        assertThat(full).contains("chain " + chainA).contains("chain " + chainB)
                .contains("10.96.0.1 . tcp . 80 : goto " + chainA)
                .contains("dnat ip to numgen random mod 2 map { 0 : 10.244.2.1 . 8080, 1 : 10.244.2.2 . 8080 }")
                .contains("type filter hook input priority filter; policy accept;")
                .contains("10.96.0.0/16");
        List<String> bBefore = handles(ns, chainB);
        List<String> aBefore = handles(ns, chainA);

        time.advance(Duration.ofSeconds(1));
        cluster.service(clusterIP("ns", "a", "10.96.0.1"), ep("10.244.1.9", Snapshots.NODE));
        backend.sync(new SyncRequest(cluster.build(), Set.of(new NamespacedName("ns", "a")), false));

        String partial = listTable(ns);
        assertThat(partial).contains("10.244.1.9 . 8080").doesNotContain("10.244.1.1");
        assertThat(handles(ns, chainB)).as("ns/b's chain untouched").isEqualTo(bBefore);
        assertThat(handles(ns, chainA)).isNotEqualTo(aBefore);

        // Removing ns/b: its chain is flushed now and deleted by a later transaction.
        time.advance(Duration.ofSeconds(1));
        cluster.remove(Snapshots.spn("ns", "b", "http"));
        backend.sync(new SyncRequest(cluster.build(), Set.of(new NamespacedName("ns", "b")), false));
        assertThat(listTable(ns)).contains("chain " + chainB).doesNotContain("10.96.0.2 . tcp");
        time.advance(Duration.ofSeconds(2));
        backend.sync(new SyncRequest(cluster.build(), Set.of(), false));
        assertThat(listTable(ns)).doesNotContain(chainB);

        backend.cleanup();
        assertThat(ok("ip", "netns", "exec", ns, "nft", "list", "tables")).doesNotContain("kube-proxy");
    }

    @Test
    void aRestartedProcessTakesOverTheTableAndRemovesWhatItNoLongerNeeds() throws SyncException {
        String ns = namespace("restart");
        ManualTime time = new ManualTime();
        Snapshots cluster = new Snapshots()
                .service(clusterIP("ns", "a", "10.96.0.1"), ep("10.244.1.1", Snapshots.NODE))
                .service(clusterIP("ns", "b", "10.96.0.2"), ep("10.244.2.1", "node-b"));
        backend(ns, time).sync(new SyncRequest(cluster.build(), Set.of(), true));
        String chainB = "service-" + NftablesBackendTest.hashOf("ns/b/tcp/http") + "-ns/b/tcp/http";

        // A new process (first sync: base chains re-created) with ns/b gone.
        NftablesBackend restarted = backend(ns, time);
        cluster.remove(Snapshots.spn("ns", "b", "http"));
        time.advance(Duration.ofSeconds(1));
        restarted.sync(new SyncRequest(cluster.build(), Set.of(), true));
        assertThat(listTable(ns)).contains("chain " + chainB).doesNotContain("10.96.0.2 . tcp")
                .contains("10.96.0.1 . tcp . 80");
        time.advance(Duration.ofSeconds(2));
        restarted.sync(new SyncRequest(cluster.build(), Set.of(), false));

        assertThat(listTable(ns)).doesNotContain(chainB);
    }

    @Test
    void upstreamsSyncRepeatedScenarioRunsAgainstTheKernel() throws SyncException {
        String ns = namespace("repeated");
        K8sFixture f = K8sFixture.load("sync-repeated.input.json");
        ManualTime time = new ManualTime();
        ProxyConfig cfg = ProxyConfig.defaults("test-node").withMode("nftables");
        var options = f.options();
        NftablesBackend backend = new NftablesBackend(new BackendContext(cfg, null, null, time.clock(), null),
                new ProcessNft(runner, List.of("ip", "netns", "exec", ns)),
                o -> o.family() == options.family() ? options : o);
        boolean full = true;
        Set<NamespacedName> changed = new HashSet<>();
        for (JsonNode step : f.steps()) {
            String op = step.path("op").asText();
            if (op.equals("age-stale-chains")) {
                time.advance(Duration.ofSeconds(2));
            } else if (!op.equals("none")) {
                changed.addAll(f.apply(step));
            }
            if (!step.has("then")) {
                continue;
            }
            time.advance(Duration.ofMillis(10));
            ProxySnapshot s = f.snapshot("test-node");
            backend.sync(new SyncRequest(s, changed, full));
            full = false;
            changed.clear();
        }
        String table = listTable(ns);
        assertThat(table).contains("numgen random mod 2 map { 0 : 10.0.3.2 . 80, 1 : 10.0.3.3 . 80 }")
                .doesNotContain("ns2/svc2");
    }

    @Test
    void upstreamsOverallVectorLoadsIntoTheKernel() throws SyncException {
        String ns = namespace("overall");
        K8sFixture f = K8sFixture.load("overall-nftables-rules.input.json");
        f.apply(f.steps().get(0));
        ProxyConfig cfg = ProxyConfig.defaults("test-node").withMode("nftables");
        var options = f.options();
        NftablesBackend backend = new NftablesBackend(new BackendContext(cfg, null, null, null, null),
                new ProcessNft(runner, List.of("ip", "netns", "exec", ns)),
                o -> o.family() == options.family() ? options : o);

        backend.sync(SyncRequest.full(f.snapshot("test-node")));

        assertThat(listTable(ns))
                .contains("update @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { ip saddr }")
                .contains("ip saddr != 203.0.113.0/25 drop")
                .contains("timeout 3h");
    }
}
