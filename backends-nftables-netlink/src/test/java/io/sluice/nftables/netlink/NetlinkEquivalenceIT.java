package io.sluice.nftables.netlink;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.NamespacedName;
import io.sluice.nftables.NftablesBackend;
import io.sluice.nftables.exec.ProcessNft;
import io.sluice.testsupport.PrivilegedTier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The netlink applier against the {@code nft -f} applier: the same nftables backend (renderer, planner, full and
 * partial syncs) drives {@link ProcessNft} in one network namespace and {@link NetlinkNft} in another; after the first
 * sync and after every random change, {@code nft -j list ruleset} (the ip and, on dual-stack nodes, ip6 tables) must be
 * identical in both, and so after {@code cleanup}.
 */
class NetlinkEquivalenceIT {
    private final CommandRunner runner = new ProcessCommandRunner();

    // No shrinking: every shrink step would build two namespaces; the failure names seed and size to replay.
    @Property(tries = 10, shrinking = ShrinkingMode.OFF)
    void bothAppliersLeaveTheSameRuleset(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int size)
            throws Exception {
        PrivilegedTier.require("ip", "nft");
        String tag = Long.toHexString(seed & 0xffffff);
        String viaNft = "slnl-eqa-" + tag;
        String viaNetlink = "slnl-eqb-" + tag;
        List<String> created = new ArrayList<>();
        try (NetlinkNft netlink = new NetlinkNft(Path.of("/run/netns", viaNetlink))) {
            for (String ns : List.of(viaNft, viaNetlink)) {
                run("ip", "netns", "add", ns);
                created.add(ns);
                run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            MutableClock clock = new MutableClock();
            ProxyConfig cfg = ProxyConfig.defaults(RandomCluster.NODE).withMode("nftables");
            NftablesBackend a = new NftablesBackend(new BackendContext(cfg, null, null, clock, null),
                    new ProcessNft(runner, List.of("ip", "netns", "exec", viaNft)));
            NftablesBackend b = new NftablesBackend(new BackendContext(cfg, null, null, clock, null), netlink);
            RandomCluster cluster = new RandomCluster(seed, size);

            Set<NamespacedName> changed = Set.of();
            for (int step = 0; step < 6; step++) {
                SyncRequest request = new SyncRequest(cluster.snapshot(), changed, step == 3);
                a.sync(request);
                b.sync(request);
                String expected = list(viaNft);
                assertThat(expected).contains("\"cluster-ips\"");
                assertThat(expected.contains("\"ip6\"")).isEqualTo(cluster.dualStack());
                assertThat(list(viaNetlink)).as("step %d (seed %d, %d services)", step, seed, size)
                        .isEqualTo(expected);
                changed = cluster.change();
                clock.advance(Duration.ofSeconds(1));
            }
            // sluice cleanup: both delete their kube-proxy tables and nothing else (another program's table stays).
            for (String ns : List.of(viaNft, viaNetlink)) {
                run("ip", "netns", "exec", ns, "nft", "add", "table", "ip", "someone-else");
            }
            a.cleanup();
            b.cleanup();
            assertThat(list(viaNetlink)).isEqualTo(list(viaNft)).contains("someone-else")
                    .doesNotContain("kube-proxy");
        } finally {
            for (String ns : created) {
                runner.run(List.of("ip", "netns", "del", ns));
            }
        }
    }

    private String list(String ns) {
        return run("ip", "netns", "exec", ns, "nft", "-j", "list", "ruleset");
    }

    private String run(String... argv) {
        CommandRunner.CommandResult r = runner.run(List.of(argv), "", Duration.ofSeconds(120));
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", argv) + " exited " + r.exitCode() + ": " + r.stderr());
        }
        return r.stdout();
    }

    /** A clock the test moves forward (stale-chain deletion and the full-sync period read it). */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
