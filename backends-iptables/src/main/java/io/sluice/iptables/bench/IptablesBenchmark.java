package io.sluice.iptables.bench;

import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.synthetic.SyntheticCluster;
import io.sluice.iptables.exec.IptablesVariant;
import io.sluice.iptables.render.IptablesRenderer;
import io.sluice.iptables.render.RenderOptions;
import io.sluice.iptables.render.RenderRequest;
import io.sluice.iptables.render.RenderedRules;

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
 * fresh network namespaces {@code slap-bench-*} (never the host's), then one endpoint change as a partial sync.
 * Prints a Markdown report and, with {@code --write FILE}, replaces the {@code ## iptables} section of that file.
 *
 * <p>Options: {@code --services N --endpoints M --runs R --nft-sizes 1000,2000 --nft-timeout SECONDS --write FILE}.
 * Needs root, iproute2 and both iptables variants. Deterministic input (seed 1); times are wall-clock.
 */
public final class IptablesBenchmark {
    private static final String NS_PREFIX = "slap-bench-";
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

        // Full render: warm-up, then the median of `runs`.
        for (int i = 0; i < 3; i++) {
            renderer.render(snapshot, RenderRequest.full(Set.of()));
        }
        List<Long> fullTimes = new ArrayList<>();
        List<Long> fullCpu = new ArrayList<>();
        long gcBefore = gcMillis();
        RenderedRules full = null;
        for (int i = 0; i < runs; i++) {
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            full = renderer.render(snapshot, RenderRequest.full(Set.of()));
            fullTimes.add(System.nanoTime() - t0);
            fullCpu.add(cpuNanos() - c0);
        }
        long gcPerRender = (gcMillis() - gcBefore) / Math.max(1, runs);
        long fullCpuMedian = median(fullCpu);
        long fullRenderMedian = median(fullTimes);
        String payload = full.payload();
        long lines = payload.chars().filter(c -> c == '\n').count();
        long bytes = payload.getBytes(StandardCharsets.UTF_8).length;

        // Partial render after one endpoint change, chains as they would exist after the full sync.
        Set<String> existing = new TreeSet<>(full.activeNatChains());
        RenderRequest partialRequest = new RenderRequest(false, changedServices, existing);
        for (int i = 0; i < 3; i++) {
            renderer.render(snapshot2, partialRequest);
        }
        List<Long> partialTimes = new ArrayList<>();
        List<Long> partialCpu = new ArrayList<>();
        RenderedRules partial = null;
        for (int i = 0; i < runs; i++) {
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            partial = renderer.render(snapshot2, partialRequest);
            partialTimes.add(System.nanoTime() - t0);
            partialCpu.add(cpuNanos() - c0);
        }
        long partialCpuMedian = median(partialCpu);
        long partialRenderMedian = median(partialTimes);
        String partialPayload = partial.payload();
        long partialLines = partialPayload.chars().filter(c -> c == '\n').count();
        long partialBytes = partialPayload.getBytes(StandardCharsets.UTF_8).length;

        // Legacy: apply the full payload into a fresh namespace, then the partial one.
        Applied legacy = renderOnly ? new Applied("not run (--render-only)", "not run", -1, -1)
                : apply(IptablesVariant.LEGACY, payload, partialPayload, Duration.ofMinutes(10));

        // nft at the sizes it finishes.
        List<String> nftRows = new ArrayList<>();
        for (int size : renderOnly ? new int[0] : nftSizes) {
            SyntheticCluster c = SyntheticCluster.generate(size, endpoints, 1);
            RenderedRules f = renderer.render(c.snapshot(), RenderRequest.full(Set.of()));
            RenderedRules p = renderer.render(c.withEndpointChanged(0, 0).snapshot(),
                    new RenderRequest(false, Set.of(c.service(0)), new TreeSet<>(f.activeNatChains())));
            Applied a = apply(IptablesVariant.NFT, f.payload(), p.payload(), Duration.ofSeconds(nftTimeoutSeconds));
            nftRows.add(String.format(Locale.ROOT, "| iptables-nft | %,d × %d | %s | %s | %s |", size, endpoints,
                    size(f.payload()), a.full(), a.partial()));
        }
        if (Arrays.stream(nftSizes).noneMatch(s -> s == services)) {
            nftRows.add(String.format(Locale.ROOT, "| iptables-nft | %,d × %d | %s | not attempted (smaller sizes "
                    + "already take long; see above) | not attempted |", services, endpoints, size(payload)));
        }
        long peakHeap = peakHeapBytes();

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        report.add("## iptables");
        report.add("");
        report.add("Measured " + today + " with `scripts/bench-iptables.sh" + (args.isEmpty() ? "" : " " + args)
                + "` (`io.sluice.iptables.bench.IptablesBenchmark`), one run, on: " + machine() + ".");
        report.add("Input: `SyntheticCluster.generate(" + services + ", " + endpoints + ", seed 1)` (about 70% "
                + "ClusterIP, 20% NodePort, 10% LoadBalancer, 5% UDP), IPv4, nfacct off, `--random-fully` on. "
                + "Restores run with `--noflush --counters` in fresh network namespaces.");
        report.add("");
        report.add("| measurement | value |");
        report.add("|---|---|");
        report.add(String.format(Locale.ROOT, "| full render, %,d services × %d endpoints (median of %d after warm-up) "
                + "| %s wall, %s CPU of the rendering thread, %s GC per render |", services, endpoints, runs,
                ms(fullRenderMedian), ms(fullCpuMedian), ms(gcPerRender * 1_000_000L)));
        report.add(String.format(Locale.ROOT, "| full payload | %,d lines, %s (filter %,d rules, nat %,d rules) |",
                lines, mib(bytes), full.filterRules(), full.natLast()));
        report.add("| `iptables-legacy-restore` of the full payload into an empty namespace | " + legacy.full() + " |");
        report.add(String.format(Locale.ROOT, "| partial render after one endpoint change (median of %d) | %s wall, "
                + "%s CPU |", runs, ms(partialRenderMedian), ms(partialCpuMedian)));
        report.add(String.format(Locale.ROOT, "| partial payload | %,d lines, %s (%.1f%% of the full payload's "
                + "bytes) |", partialLines, kib(partialBytes), 100.0 * partialBytes / bytes));
        report.add("| `iptables-legacy-restore` of the partial payload | " + legacy.partial() + " |");
        report.add(String.format(Locale.ROOT, "| partial sync total (render + legacy restore) | %s |",
                legacy.partialNanos() < 0 ? "n/a" : ms(partialRenderMedian + legacy.partialNanos())));
        report.add(String.format(Locale.ROOT, "| ratio full render / partial render | %.1f× |",
                (double) fullRenderMedian / Math.max(1, partialRenderMedian)));
        if (legacy.fullNanos() > 0) {
            report.add(String.format(Locale.ROOT, "| ratio legacy restore / full render | %.1f× |",
                    (double) legacy.fullNanos() / fullRenderMedian));
        }
        report.add(String.format(Locale.ROOT, "| peak JVM heap (sum of heap pools' peak usage) | %s |", mib(peakHeap)));
        report.add("");
        report.add("| variant | cluster | full payload | full restore | partial restore (one endpoint) |");
        report.add("|---|---|---|---|---|");
        report.add(String.format(Locale.ROOT, "| iptables-legacy | %,d × %d | %s | %s | %s |", services, endpoints,
                size(payload), legacy.full(), legacy.partial()));
        report.addAll(nftRows);
        report.add("");
        report.add("A partial payload still carries the whole filter table and the nat chains KUBE-SERVICES, "
                + "KUBE-NODEPORTS, KUBE-POSTROUTING and KUBE-MARK-MASQ (kube-proxy rewrites them on every sync); only "
                + "the changed Service's KUBE-SVC/SEP/EXT chains are added, so its size grows with the number of "
                + "services, not endpoints. `iptables-legacy-restore` replaces whole tables in the kernel, so even a "
                + "small payload pays for the size of the existing nat table.");
        String section = String.join("\n", report) + "\n";
        System.out.print(section);
        if (write != null) {
            writeSection(write, section);
            System.out.println("updated " + write);
        }
    }

    private record Applied(String full, String partial, long fullNanos, long partialNanos) {
    }

    private Applied apply(IptablesVariant variant, String fullPayload, String partialPayload, Duration timeout) {
        String ns = NS_PREFIX + variant.name().toLowerCase(Locale.ROOT);
        runner.run(List.of("ip", "netns", "del", ns));
        CommandRunner.CommandResult add = runner.run(List.of("ip", "netns", "add", ns));
        if (!add.ok()) {
            return new Applied("failed: " + add.stderr().strip(), "not attempted", -1, -1);
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
            return new Applied("timeout after " + timeout.toSeconds() + " s", "not attempted", -1, -1);
        }
        if (!r.ok()) {
            deleteNamespace(ns);
            return new Applied("failed (exit " + r.exitCode() + "): " + firstLine(r.stderr()), "not attempted", -1, -1);
        }
        long t1 = System.nanoTime();
        CommandRunner.CommandResult p = runner.run(argv, partialPayload, timeout.plusMinutes(1));
        long partialNanos = System.nanoTime() - t1;
        String partial = p.ok() ? ms(partialNanos) : p.exitCode() == 124 ? "timeout after " + timeout.toSeconds()
                + " s" : "failed (exit " + p.exitCode() + "): " + firstLine(p.stderr());
        deleteNamespace(ns);
        return new Applied(ms(fullNanos), partial, fullNanos, p.ok() ? partialNanos : -1);
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
