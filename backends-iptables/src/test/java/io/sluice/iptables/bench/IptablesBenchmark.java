package io.sluice.iptables.bench;

import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.synthetic.SyntheticCluster;
import io.sluice.core.exec.IptablesVariant;
import io.sluice.iptables.render.IptablesRenderer;
import io.sluice.iptables.render.RenderOptions;
import io.sluice.iptables.render.RenderRequest;
import io.sluice.iptables.render.RenderedRules;
import io.sluice.iptables.render.TopLevelRewrite;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The iptables benchmark behind {@code scripts/bench-iptables.sh}: render and apply a synthetic cluster (default
 * 10,000 Services × 10 endpoints) with real {@code iptables-legacy-restore} and {@code iptables-nft-restore} inside
 * fresh network namespaces {@code slpp-bench-*} (never the host's), then one endpoint change as a partial sync, in
 * both {@link TopLevelRewrite} modes side by side.
 * Prints a Markdown report and, with {@code --write FILE}, replaces the {@code ## iptables} section of that file.
 *
 * <p>Options: {@code --services N --endpoints M --runs R --nft-sizes 1000,2000 --nft-timeout SECONDS --write FILE}.
 * Needs root, iproute2 and both iptables variants. Deterministic input (seed 1); render times are reported as wall
 * time and as the rendering thread's CPU time (the machine may be shared).
 */
public final class IptablesBenchmark {
    private static final String NS_PREFIX = "slpp-bench-";
    private final CommandRunner runner = new ProcessCommandRunner();
    private final List<String> report = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();

    private int services = 10_000;
    private int endpoints = 10;
    private int runs = 7;
    private int[] nftSizes = {1000, 2000};
    private int nftTimeoutSeconds = 180;
    private Path write;
    private boolean renderOnly;

    public static void main(String[] args) throws Exception {
        IptablesBenchmark b = new IptablesBenchmark();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--services" -> b.services = Integer.parseInt(args[++i]);
                case "--endpoints" -> b.endpoints = Integer.parseInt(args[++i]);
                case "--runs" -> b.runs = Integer.parseInt(args[++i]);
                case "--nft-sizes" -> b.nftSizes = Arrays.stream(args[++i].split(","))
                        .filter(s -> !s.isBlank()).mapToInt(Integer::parseInt).toArray();
                case "--nft-timeout" -> b.nftTimeoutSeconds = Integer.parseInt(args[++i]);
                case "--write" -> b.write = Path.of(args[++i]);
                case "--render-only" -> b.renderOnly = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try {
            b.run(String.join(" ", args));
        } finally {
            b.deleteNamespaces();
        }
    }

    /** Renders with the renderer's real options for node-0; nfacct off (a bare namespace has no counters). */
    static IptablesRenderer renderer() {
        ProxyConfig d = ProxyConfig.defaults(SyntheticCluster.NODE_NAME);
        ProxyConfig config = new ProxyConfig(d.mode(), SyntheticCluster.NODE_NAME, List.of("10.128.0.0/9"),
                "ClusterCIDR", d.detectLocal(), List.of(), d.iptables(), d.ipvs(), d.conntrack(),
                d.metricsBindAddress(), d.healthzBindAddress(), d.kubeconfig(), d.configSyncPeriod(),
                d.serviceProxyName());
        return new IptablesRenderer(RenderOptions.from(config, IpFamily.IPv4, SyntheticCluster.node(),
                new KernelAssumptions(false, true)));
    }

    private String startLoad = "?";

    private void run(String args) throws Exception {
        startLoad = loadAverage();
        resetPeaks();
        IptablesRenderer renderer = renderer();
        SyntheticCluster cluster = SyntheticCluster.generate(services, endpoints, 1);
        ProxySnapshot snapshot = cluster.snapshot();
        SyntheticCluster changed = cluster.withEndpointChanged(0, 0);
        ProxySnapshot snapshot2 = changed.snapshot();
        Set<io.sluice.core.model.NamespacedName> changedServices = Set.of(cluster.service(0));

        // Full render with a fresh renderer each time (nothing memoised): warm-up, then the median of `runs`.
        for (int i = 0; i < 3; i++) {
            renderer().render(snapshot, RenderRequest.full(Set.of()));
        }
        List<Long> fullTimes = new ArrayList<>();
        List<Long> fullCpu = new ArrayList<>();
        long gcBefore = gcMillis();
        RenderedRules full = null;
        for (int i = 0; i < runs; i++) {
            IptablesRenderer fresh = renderer();
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            full = fresh.render(snapshot, RenderRequest.full(Set.of()));
            fullTimes.add(System.nanoTime() - t0);
            fullCpu.add(cpuNanos() - c0);
        }
        long gcPerRender = (gcMillis() - gcBefore) / Math.max(1, runs);
        long fullCpuMedian = median(fullCpu);
        long fullRenderMedian = median(fullTimes);
        String payload = full.payload();
        long lines = lines(payload);
        long bytes = utf8(payload);

        // Partial renders after one endpoint change, chains as they exist after the full sync: kube-proxy parity
        // (ALWAYS) and Sluice's default (WHEN_CHANGED), both with the per-port memo warm, plus ALWAYS on a renderer
        // that has memoised nothing (what every partial render cost before the memo).
        Set<String> existing = new TreeSet<>(full.activeNatChains());
        RenderRequest always = new RenderRequest(false, changedServices, existing);
        Timed alwaysT = timePartial(renderer, snapshot, snapshot2, always, TopLevelRewrite.ALWAYS);
        Timed whenChangedT = timePartial(renderer, snapshot, snapshot2, always, TopLevelRewrite.WHEN_CHANGED);
        RenderRequest unscanned = new RenderRequest(false, changedServices, Set.of());
        Timed alwaysNoScanT = timePartial(renderer, snapshot, snapshot2, unscanned, TopLevelRewrite.ALWAYS);
        Timed whenChangedNoScanT = timePartial(renderer, snapshot, snapshot2, unscanned, TopLevelRewrite.WHEN_CHANGED);
        Timed coldT = timeCold(snapshot2, always);
        Timed coldWcT = timeCold(snapshot2, always.withTopLevel(TopLevelRewrite.WHEN_CHANGED, full.topLevelChains()));
        long memoBytes = retainedBytes(snapshot);
        String alwaysPayload = alwaysT.rules().payload();
        String wcPayload = whenChangedT.rules().payload();

        // Legacy: apply the full payload into a fresh namespace, then both partial payloads (same change).
        Applied legacy = renderOnly ? Applied.notRun() : apply(IptablesVariant.LEGACY, payload,
                List.of(alwaysPayload, wcPayload), Duration.ofMinutes(10));

        // nft at the sizes it finishes.
        List<String> nftRows = new ArrayList<>();
        for (int size : renderOnly ? new int[0] : nftSizes) {
            SyntheticCluster c = SyntheticCluster.generate(size, endpoints, 1);
            IptablesRenderer r = renderer();
            RenderedRules f = r.render(c.snapshot(), RenderRequest.full(Set.of()));
            RenderRequest pa = new RenderRequest(false, Set.of(c.service(0)), new TreeSet<>(f.activeNatChains()));
            ProxySnapshot changedSnapshot = c.withEndpointChanged(0, 0).snapshot();
            String pA = r.render(changedSnapshot, pa).payload();
            String pW = r.render(changedSnapshot, pa.withTopLevel(TopLevelRewrite.WHEN_CHANGED, f.topLevelChains()))
                    .payload();
            Applied a = apply(IptablesVariant.NFT, f.payload(), List.of(pA, pW),
                    Duration.ofSeconds(nftTimeoutSeconds));
            nftRows.add(String.format(Locale.ROOT, "| iptables-nft | %,d × %d | %s | %s | %s | %s |", size, endpoints,
                    size(f.payload()), a.full(), a.partial(0), a.partial(1)));
        }
        if (Arrays.stream(nftSizes).noneMatch(s -> s == services)) {
            nftRows.add(String.format(Locale.ROOT, "| iptables-nft | %,d × %d | %s | not attempted: the full "
                    + "restore grows faster than linearly with size (rows above) | not attempted | not attempted |",
                    services, endpoints, size(payload)));
        }
        long peakHeap = peakHeapBytes();

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        report.add("## iptables");
        report.add("");
        report.add("Measured " + today + " with `scripts/bench-iptables.sh" + (args.isEmpty() ? "" : " " + args)
                + "` (`io.sluice.iptables.bench.IptablesBenchmark`), one run, on: " + machine() + ".");
        report.add("Input: `SyntheticCluster.generate(" + services + ", " + endpoints + ", seed 1)` (about 70% "
                + "ClusterIP, 20% NodePort, 10% LoadBalancer, 5% UDP), IPv4, nfacct off, `--random-fully` on. "
                + "Restores run with `--noflush --counters` in fresh network namespaces. The partial sync is one "
                + "endpoint of one Service changing. `ALWAYS` is kube-proxy's behaviour (every sync rewrites the "
                + "filter table and the nat chains KUBE-SERVICES, KUBE-NODEPORTS, KUBE-POSTROUTING, KUBE-MARK-MASQ); "
                + "`WHEN_CHANGED` (Sluice's default, `TopLevelRewrite`) leaves top-level chains whose rules did not "
                + "change out of partial payloads. CPU is the rendering thread's CPU time; wall time includes waiting "
                + "for a CPU on this shared machine.");
        report.add("");
        report.add("| measurement | value |");
        report.add("|---|---|");
        report.add(String.format(Locale.ROOT, "| full render, %,d services × %d endpoints, fresh renderer (median of "
                + "%d after warm-up) | %s wall, %s CPU, %s GC per render |", services, endpoints, runs,
                ms(fullRenderMedian), ms(fullCpuMedian), ms(gcPerRender * 1_000_000L)));
        report.add(String.format(Locale.ROOT, "| full payload (same in both modes) | %,d lines, %s (filter %,d rules, "
                + "nat %,d rules) |", lines, mib(bytes), full.filterRules(), full.natLast()));
        report.add("| `iptables-legacy-restore` of the full payload into an empty namespace | " + legacy.full() + " |");
        report.add(String.format(Locale.ROOT, "| heap retained by a renderer's per-port memo after a full render "
                + "(used heap after GC, with minus without) | %s |", mib(memoBytes)));
        report.add(String.format(Locale.ROOT, "| peak JVM heap (sum of heap pools' peak usage) | %s |", mib(peakHeap)));
        report.add("");
        report.add(String.format(Locale.ROOT, "| partial sync (median of %d, memo warm) | ALWAYS (kube-proxy parity) "
                + "| WHEN_CHANGED (default) | ratio ALWAYS / WHEN_CHANGED |", runs));
        report.add("|---|---|---|---|");
        report.add(String.format(Locale.ROOT, "| payload lines | %,d | %,d | %s |", lines(alwaysPayload),
                lines(wcPayload), ratio(lines(alwaysPayload), lines(wcPayload))));
        report.add(String.format(Locale.ROOT, "| payload bytes | %s | %s | %s |", kib(utf8(alwaysPayload)),
                kib(utf8(wcPayload)), ratio(utf8(alwaysPayload), utf8(wcPayload))));
        report.add(String.format(Locale.ROOT, "| of which the changed Service's own chains (SVC/SEP/EXT/FW/SVL) | "
                + "%,d lines | %,d lines | |", serviceChainLines(alwaysPayload), serviceChainLines(wcPayload)));
        report.add(String.format(Locale.ROOT, "| render CPU | %s | %s | %s |", ms(alwaysT.cpu()), ms(whenChangedT.cpu()),
                ratio(alwaysT.cpu(), whenChangedT.cpu())));
        report.add(String.format(Locale.ROOT, "| render wall | %s | %s | %s |", ms(alwaysT.wall()),
                ms(whenChangedT.wall()), ratio(alwaysT.wall(), whenChangedT.wall())));
        report.add(String.format(Locale.ROOT, "| render CPU without the stale-chain scan (no existing chains passed, "
                + "as between syncPeriod scans above 1,000 endpoints) | %s | %s | %s |", ms(alwaysNoScanT.cpu()),
                ms(whenChangedNoScanT.cpu()), ratio(alwaysNoScanT.cpu(), whenChangedNoScanT.cpu())));
        report.add(String.format(Locale.ROOT, "| render CPU on a renderer with nothing memoised (every partial render "
                + "before per-port reuse) | %s | %s | %s |", ms(coldT.cpu()), ms(coldWcT.cpu()),
                ratio(coldT.cpu(), coldWcT.cpu())));
        report.add(String.format(Locale.ROOT, "| ratio render CPU nothing memoised / memo warm | %s | %s | |",
                ratio(coldT.cpu(), alwaysT.cpu()), ratio(coldWcT.cpu(), whenChangedT.cpu())));
        report.add("| `iptables-legacy-restore` of the partial payload | " + legacy.partial(0) + " | "
                + legacy.partial(1) + " | " + ratio(legacy.partialNanos(0), legacy.partialNanos(1)) + " |");
        report.add(String.format(Locale.ROOT, "| partial sync total (render wall + legacy restore) | %s | %s | %s |",
                legacy.partialNanos(0) < 0 ? "n/a" : ms(alwaysT.wall() + legacy.partialNanos(0)),
                legacy.partialNanos(1) < 0 ? "n/a" : ms(whenChangedT.wall() + legacy.partialNanos(1)),
                legacy.partialNanos(1) < 0 ? "n/a" : ratio(alwaysT.wall() + legacy.partialNanos(0),
                        whenChangedT.wall() + legacy.partialNanos(1))));
        report.add(String.format(Locale.ROOT, "| ratio full render CPU / partial render CPU | %s | %s | |",
                ratio(fullCpuMedian, alwaysT.cpu()), ratio(fullCpuMedian, whenChangedT.cpu())));
        report.add("");
        report.add("| variant | cluster | full payload | full restore | partial restore ALWAYS | partial restore "
                + "WHEN_CHANGED |");
        report.add("|---|---|---|---|---|---|");
        report.add(String.format(Locale.ROOT, "| iptables-legacy | %,d × %d | %s | %s | %s | %s |", services,
                endpoints, size(payload), legacy.full(), legacy.partial(0), legacy.partial(1)));
        report.addAll(nftRows);
        report.add("");
        report.add("With `ALWAYS` a partial payload carries the whole filter table and the nat top-level chains, so "
                + "its size grows with the number of services; with `WHEN_CHANGED` an endpoint change writes only the "
                + "changed Service's chains (plus `-X` of a replaced endpoint chain), and a change that adds or removes "
                + "a cluster IP or node port also rewrites KUBE-SERVICES or KUBE-NODEPORTS. Both modes reuse the "
                + "memoised rules of unchanged services, so a partial render renders only the changed service; what "
                + "remains is linear in the cluster but renders no rules: reading the snapshot, comparing each port's "
                + "inputs with the memo, assembling the top-level chains from memoised lines and, when existing "
                + "chains are passed, the stale-chain scan over them. "
                + "`iptables-legacy-restore` replaces whole tables in the kernel, so even a small payload pays for the "
                + "size of the existing nat table; `iptables-nft-restore` pays for what the payload touches.");
        String section = String.join("\n", report) + "\n";
        System.out.print(section);
        if (write != null) {
            writeSection(write, section);
            System.out.println("updated " + write);
        }
    }

    private record Timed(RenderedRules rules, long wall, long cpu) {
    }

    /**
     * Median wall and CPU time of rendering {@code after} with {@code request} on a warm renderer; before each timed
     * render {@code before} is rendered (untimed), so every timed render sees the change anew; its top-level
     * chains are the previous ones, as the backend keeps them after a successful restore.
     */
    private Timed timePartial(IptablesRenderer renderer, ProxySnapshot before, ProxySnapshot after,
                              RenderRequest partial, TopLevelRewrite mode) {
        List<Long> wall = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        RenderedRules r = null;
        for (int i = 0; i < runs + 3; i++) {
            RenderedRules previous = renderer.render(before, RenderRequest.full(Set.of()));
            RenderRequest request = partial.withTopLevel(mode, previous.topLevelChains());
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            r = renderer.render(after, request);
            if (i >= 3) {
                wall.add(System.nanoTime() - t0);
                cpu.add(cpuNanos() - c0);
            }
        }
        return new Timed(r, median(wall), median(cpu));
    }

    /** Median times of a partial render on a renderer that has memoised nothing (fresh each time). */
    private Timed timeCold(ProxySnapshot after, RenderRequest request) {
        List<Long> wall = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        RenderedRules r = null;
        for (int i = 0; i < runs; i++) {
            IptablesRenderer fresh = renderer();
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            r = fresh.render(after, request);
            wall.add(System.nanoTime() - t0);
            cpu.add(cpuNanos() - c0);
        }
        return new Timed(r, median(wall), median(cpu));
    }

    /** Heap a renderer keeps after one full render of {@code snapshot} (its memo), by used heap after GC. */
    private static long retainedBytes(ProxySnapshot snapshot) {
        long before = usedAfterGc();
        IptablesRenderer r = renderer();
        r.render(snapshot, RenderRequest.full(Set.of()));
        long after = usedAfterGc();
        // Keep r reachable until the second measurement.
        return r.options() == null ? -1 : after - before;
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long lines(String payload) {
        return payload.chars().filter(c -> c == '\n').count();
    }

    private static long utf8(String payload) {
        return payload.getBytes(StandardCharsets.UTF_8).length;
    }

    private static long serviceChainLines(String payload) {
        return payload.lines().filter(IptablesBenchmark::isServiceChainLine).count();
    }

    private static String ratio(long a, long b) {
        return a < 0 || b <= 0 ? "n/a" : String.format(Locale.ROOT, "%,.1f×", (double) a / b);
    }

    /** A full restore, then each partial payload in turn into the same namespace. */
    private record Applied(String full, List<String> partials, long fullNanos, List<Long> partialNanosList) {
        static Applied notRun() {
            return new Applied("not run (--render-only)", List.of(), -1, List.of());
        }

        static Applied failed(String full) {
            return new Applied(full, List.of(), -1, List.of());
        }

        String partial(int i) {
            return i < partials.size() ? partials.get(i) : "not attempted";
        }

        long partialNanos(int i) {
            return i < partialNanosList.size() ? partialNanosList.get(i) : -1;
        }
    }

    private Applied apply(IptablesVariant variant, String fullPayload, List<String> partialPayloads, Duration timeout) {
        String ns = NS_PREFIX + variant.name().toLowerCase(Locale.ROOT);
        runner.run(List.of("ip", "netns", "del", ns));
        CommandRunner.CommandResult add = runner.run(List.of("ip", "netns", "add", ns));
        if (!add.ok()) {
            return Applied.failed("failed: " + add.stderr().strip());
        }
        namespaces.add(ns);
        // coreutils timeout kills the restore itself; the runner's own timeout only starts once stdin is written.
        List<String> argv = List.of("ip", "netns", "exec", ns, "timeout", Long.toString(timeout.toSeconds()),
                variant.binary(IpFamily.IPv4, "restore"), "-w", "5", "--noflush", "--counters");
        long t0 = System.nanoTime();
        CommandRunner.CommandResult r = runner.run(argv, fullPayload, timeout.plusMinutes(1));
        long fullNanos = System.nanoTime() - t0;
        if (r.exitCode() == 124) {
            deleteNamespace(ns);
            return Applied.failed("timeout after " + timeout.toSeconds() + " s");
        }
        if (!r.ok()) {
            deleteNamespace(ns);
            return Applied.failed("failed (exit " + r.exitCode() + "): " + firstLine(r.stderr()));
        }
        List<String> results = new ArrayList<>();
        List<Long> nanos = new ArrayList<>();
        for (String partialPayload : partialPayloads) {
            if (partialPayload.isEmpty()) {
                results.add("nothing to restore");
                nanos.add(0L);
                continue;
            }
            long t1 = System.nanoTime();
            CommandRunner.CommandResult p = runner.run(argv, partialPayload, timeout.plusMinutes(1));
            long partialNanos = System.nanoTime() - t1;
            results.add(p.ok() ? ms(partialNanos) : p.exitCode() == 124 ? "timeout after " + timeout.toSeconds()
                    + " s" : "failed (exit " + p.exitCode() + "): " + firstLine(p.stderr()));
            nanos.add(p.ok() ? partialNanos : -1);
        }
        deleteNamespace(ns);
        return new Applied(ms(fullNanos), results, fullNanos, nanos);
    }

    private void deleteNamespace(String ns) {
        runner.run(List.of("ip", "netns", "del", ns));
        namespaces.remove(ns);
    }

    private void deleteNamespaces() {
        for (String ns : List.copyOf(namespaces)) {
            deleteNamespace(ns);
        }
    }

    private String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException e) {
            // keep "unknown CPU"
        }
        String iptables = firstLine(runner.run(List.of("iptables-legacy", "--version")).stdout()) + ", "
                + firstLine(runner.run(List.of("iptables-nft", "--version")).stdout());
        return String.format(Locale.ROOT, "%d cores (%s), %d GiB RAM, Linux %s, Java %s, %s; the machine is shared "
                        + "(1-minute load average %s at the start, so wall times include waiting for a CPU)",
                Runtime.getRuntime().availableProcessors(), cpu, totalMemoryGiB(),
                System.getProperty("os.version"), System.getProperty("java.version"), iptables, startLoad);
    }

    private static long totalMemoryGiB() {
        try {
            String line = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            return Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024 * 1024);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean isServiceChainLine(String line) {
        String chain = line.startsWith(":") ? line.substring(1).split(" ")[0]
                : line.startsWith("-A ") || line.startsWith("-X ") ? line.split(" ")[1] : "";
        return io.sluice.iptables.render.ChainNames.isServiceChain(chain);
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long gcMillis() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Replaces the {@code ## iptables} section (up to the next {@code ## } heading) or appends it. */
    static void writeSection(Path file, String section) throws IOException {
        String text = Files.exists(file) ? Files.readString(file)
                : "# Benchmarks\n\nNumbers written by the benchmark commands; rerun them to refresh a section.\n";
        List<String> lines = new ArrayList<>(text.lines().toList());
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("## iptables")) {
                start = i;
                break;
            }
        }
        List<String> sectionLines = section.lines().toList();
        if (start < 0) {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.addAll(sectionLines);
        } else {
            int end = lines.size();
            for (int i = start + 1; i < lines.size(); i++) {
                if (lines.get(i).startsWith("## ")) {
                    end = i;
                    break;
                }
            }
            List<String> tail = new ArrayList<>(lines.subList(end, lines.size()));
            lines = new ArrayList<>(lines.subList(0, start));
            lines.addAll(sectionLines);
            if (!tail.isEmpty()) {
                lines.add("");
                lines.addAll(tail);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, String.join("\n", lines) + "\n");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%,.1f ms", nanos / 1e6);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%,.1f KiB", bytes / 1024.0);
    }

    private static String size(String payload) {
        return String.format(Locale.ROOT, "%,d lines, %s", payload.chars().filter(c -> c == '\n').count(),
                mib(payload.getBytes(StandardCharsets.UTF_8).length));
    }
}
