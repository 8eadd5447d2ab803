package io.sluice.iptables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.IpFamily;
import io.sluice.core.synthetic.SyntheticCluster;
import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.exec.IptablesSystem;
import io.sluice.core.exec.IptablesVariant;
import io.sluice.iptables.render.IptablesRenderer;
import io.sluice.iptables.render.JumpRules;
import io.sluice.iptables.render.RenderOptions;
import io.sluice.iptables.render.RenderRequest;
import io.sluice.iptables.render.RenderedRules;
import io.sluice.iptables.render.TopLevelChains;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * What the iptables drift check costs on a periodic sync, on the real kernel: a synthetic cluster fully synced into
 * a fresh network namespace, then, repeated, the pieces of a scanning partial sync without changes: the
 * {@code iptables-save -t nat} every scan already does, its parse (old: chain names only; new: chains, jumps,
 * top-level rule counts), the drift comparison, and the one extra {@code iptables-save -t filter}; plus, for scale, a
 * partial sync between scans (above 1,000 endpoints it neither saves nor checks) and a full sync. Prints a Markdown section (see scripts/bench-drift.sh, which runs
 * it as root inside {@code ip netns exec}).
 *
 * <p>Usage: {@code DriftCheckBenchmark NETNS SERVICES ENDPOINTS REPEATS}
 */
public final class DriftCheckBenchmark {

    private DriftCheckBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String ns = args[0];
        int services = Integer.parseInt(args[1]);
        int endpoints = Integer.parseInt(args[2]);
        int repeats = Integer.parseInt(args[3]);
        SyntheticCluster cluster = SyntheticCluster.generate(services, endpoints, 42);
        ProxyConfig cfg = ProxyConfig.defaults(SyntheticCluster.NODE_NAME);
        if (ns.equals("-")) {
            cpuOnly(cluster, cfg, services, endpoints, repeats);
            return;
        }
        IptablesSystem system = IptablesSystem.inNamespace(new ProcessCommandRunner(), ns, IptablesVariant.LEGACY);
        BackendContext ctx = new BackendContext(cfg, null, KernelAssumptions.UPSTREAM_TESTS, Clock.systemUTC(), null);
        IptablesBackend backend = new IptablesBackend(ctx, system);
        Iptables ipt = system.iptables(IpFamily.IPv4);

        long fullNanos = time(() -> sync(backend, SyncRequest.full(cluster.snapshot())));
        SyncRequest periodic = new SyncRequest(cluster.snapshot(), Set.of(), false);
        sync(backend, periodic); // warm-up
        // What the last sync wrote, as the backend keeps it: the same render, done once more here.
        RenderedRules rendered = new IptablesRenderer(RenderOptions.from(cfg, IpFamily.IPv4, cluster.snapshot().node(),
                KernelAssumptions.UPSTREAM_TESTS)).render(cluster.snapshot(), RenderRequest.full(Set.of()));
        TopLevelChains top = rendered.topLevelChains();
        Set<String> natTop = KernelDrift.topLevelChainsOf(Iptables.NAT, top);
        Set<String> filterTop = KernelDrift.topLevelChainsOf(Iptables.FILTER, top);

        List<Long> periodicSync = new ArrayList<>();
        List<Long> saveNat = new ArrayList<>();
        List<Long> parseOld = new ArrayList<>();
        List<Long> parseNew = new ArrayList<>();
        List<Long> compare = new ArrayList<>();
        List<Long> saveAndParseFilter = new ArrayList<>();
        Set<String> active = rendered.activeNatChains();
        for (int i = 0; i < repeats; i++) {
            periodicSync.add(time(() -> sync(backend, periodic)));
            String[] nat = new String[1];
            saveNat.add(time(() -> nat[0] = save(ipt, Iptables.NAT)));
            parseOld.add(time(() -> IptablesBackend.chainsOf(nat[0])));
            SavedTable[] saved = new SavedTable[1];
            parseNew.add(time(() -> saved[0] = SavedTable.parse(nat[0], natTop)));
            compare.add(time(() -> KernelDrift.find(Iptables.NAT, saved[0], top, active, CanaryMonitor.CANARY,
                    JumpRules.forFamily(IpFamily.IPv4))));
            saveAndParseFilter.add(time(() -> KernelDrift.find(Iptables.FILTER,
                    SavedTable.parse(save(ipt, Iptables.FILTER), filterTop), top, List.of(), CanaryMonitor.CANARY,
                    JumpRules.forFamily(IpFamily.IPv4))));
        }
        long added = median(parseNew) - median(parseOld) + median(compare) + median(saveAndParseFilter);
        System.out.printf("""
                ### Drift check (self-healing), iptables-legacy, %,d services x %d endpoints (%,d nat chains)

                Measured by `scripts/bench-drift.sh` in one run (median of %d; milliseconds):

                | step | ms |
                |---|---|
                | full sync (for scale) | %d |
                | partial sync without changes between scans (no `iptables-save`, no check) | %d |
                | `iptables-save -t nat` (taken by every scanning sync for stale chains, before and now) | %d |
                | parse it: chain names only (before) | %d |
                | parse it: chains, built-in jumps, top-level rule counts (now) | %d |
                | compare with what the last sync wrote | %d |
                | `iptables-save -t filter`, parse and compare (the one extra command) | %d |
                | **added by the drift check** | **%d** (%.1f%% of the scan's save and parse before, %.2f%% of a full sync) |
                """, services, endpoints, active.size(), repeats, ms(fullNanos), ms(median(periodicSync)),
                ms(median(saveNat)), ms(median(parseOld)), ms(median(parseNew)), ms(median(compare)),
                ms(median(saveAndParseFilter)), ms(added), 100.0 * added / (median(saveNat) + median(parseOld)),
                100.0 * added / fullNanos);
    }

    /**
     * Without a kernel: the full payload stands in for {@code iptables-save -t nat} (same chains, same rules), to
     * time the parse and the comparison alone.
     */
    private static void cpuOnly(SyntheticCluster cluster, ProxyConfig cfg, int services, int endpoints, int repeats) {
        IptablesRenderer renderer = new IptablesRenderer(RenderOptions.from(cfg, IpFamily.IPv4,
                cluster.snapshot().node(), KernelAssumptions.UPSTREAM_TESTS));
        List<Long> render = new ArrayList<>();
        List<Long> parseOld = new ArrayList<>();
        List<Long> parseNew = new ArrayList<>();
        List<Long> compare = new ArrayList<>();
        int chains = 0;
        for (int i = 0; i < repeats; i++) {
            RenderedRules[] r = new RenderedRules[1];
            render.add(time(() -> r[0] = renderer.render(cluster.snapshot(), RenderRequest.full(Set.of()))));
            String nat = r[0].payload().substring(r[0].payload().indexOf("*nat"));
            TopLevelChains top = r[0].topLevelChains();
            Set<String> natTop = KernelDrift.topLevelChainsOf(Iptables.NAT, top);
            parseOld.add(time(() -> IptablesBackend.chainsOf(nat)));
            SavedTable[] saved = new SavedTable[1];
            parseNew.add(time(() -> saved[0] = SavedTable.parse(nat, natTop)));
            Set<String> active = r[0].activeNatChains();
            chains = active.size();
            compare.add(time(() -> KernelDrift.find(Iptables.NAT, saved[0], top, active, CanaryMonitor.CANARY,
                    JumpRules.forFamily(IpFamily.IPv4))));
        }
        long added = median(parseNew) - median(parseOld) + median(compare);
        System.out.printf("""
                ### Drift check (self-healing), CPU only, %,d services x %d endpoints (%,d service chains)

                Measured by `scripts/bench-drift.sh --cpu-only` in one run (median of %d; milliseconds; the full nat
                payload stands in for `iptables-save -t nat`):

                | step | ms |
                |---|---|
                | full render (for scale) | %d |
                | parse the nat save: chain names only (before) | %d |
                | parse the nat save: chains, built-in jumps, top-level rule counts (now) | %d |
                | compare with what the last sync wrote | %d |
                | **added CPU per check** | **%d** (%.1f%% of a full render) |
                """, services, endpoints, chains, repeats, ms(median(render)), ms(median(parseOld)), ms(median(parseNew)),
                ms(median(compare)), ms(added), 100.0 * added / median(render));
    }

    private static void sync(IptablesBackend backend, SyncRequest r) {
        try {
            backend.sync(r);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String save(Iptables ipt, String table) {
        try {
            return ipt.save(table);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }
}
