package io.sluice.app.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Config;
import io.sluice.iptables.render.ChainNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The daemon lab's measurement of one cluster size: the real {@code sluice run} against the lab API server, on the
 * real kernel of the network namespace this process runs in (scripts/bench-daemon.sh creates a fresh one per run).
 * Writes one properties file of figures; {@link LabReport} turns those into docs/benchmarks.md.
 *
 * <p>Usage: {@code DaemonLab --services N --endpoints E --variant legacy|nft --jar sluice.jar --label L --out DIR
 * [--samples 30] [--changes 1000] [--repo .]}
 */
public final class DaemonLab {
    static final int API_PORT = 16443;
    static final int GATE_PORT = 16444;
    /** Services whose endpoints change: spread over the whole cluster. */
    static final int STRIDE = 7919;

    private final Map<String, String> args;
    private final LabCluster cluster;
    private final KernelRules kernel;
    private final Path out;
    private final Path repo;
    private final Map<String, String> result = new LinkedHashMap<>();
    private final Map<Integer, Map<Integer, String>> replaced = new HashMap<>();
    private int changeCounter;

    DaemonLab(Map<String, String> args) {
        this.args = args;
        this.cluster = new LabCluster(Integer.parseInt(args.get("services")), Integer.parseInt(args.get("endpoints")));
        this.kernel = new KernelRules(args.getOrDefault("variant", "legacy"));
        this.out = Path.of(args.get("out"));
        this.repo = Path.of(args.getOrDefault("repo", "."));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parseArgs(argv);
        new DaemonLab(a).measure();
        System.exit(0);
    }

    static Map<String, String> parseArgs(String[] argv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        return a;
    }

    String id() {
        return args.get("label") + "-" + cluster.services() + "x" + cluster.endpoints() + "-" + kernel.variant();
    }

    void measure() throws Exception {
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("sluice-lab");
        Path daemonSet = repo.resolve("manifests/base/daemonset.yaml");
        String jvm = LabSetup.javaToolOptions(daemonSet);
        long limit = LabSetup.memoryLimit(daemonSet);
        put("label", args.get("label"));
        put("services", cluster.services());
        put("endpoints", cluster.endpoints());
        put("variant", kernel.variant());
        put("jvm_options", jvm);
        put("memory_limit_mib", limit >> 20);
        put("date", Instant.now().toString());
        kernel.markVariant();
        log("filling the lab API server with %d x %d", cluster.services(), cluster.endpoints());
        long fill0 = System.nanoTime();
        Process api = LabSetup.startApiServer(API_PORT, cluster, work.resolve("api.log"), Duration.ofMinutes(20));
        put("api_fill_s", secs(System.nanoTime() - fill0));
        Path kubeconfig = MockApiServerMain.writeKubeconfig(work.resolve("kubeconfig"), "http://127.0.0.1:" + GATE_PORT);
        Path config = LabSetup.config(repo.resolve("manifests/overlays/iptables/config.conf"), kubeconfig,
                work.resolve("config.conf"), "");
        try (ApiGate gate = new ApiGate(GATE_PORT, API_PORT);
             MemoryCgroup cg = MemoryCgroup.create("sluice-lab-" + ProcessHandle.current().pid(), limit);
             KubernetesClient client = new KubernetesClientBuilder()
                     .withConfig(Config.fromKubeconfig(MockApiServerMain.writeKubeconfig(work.resolve("direct"),
                             "http://127.0.0.1:" + API_PORT).toFile())).build()) {
            gate.open();
            Path daemonLog = out.resolve(id() + ".log");
            Files.deleteIfExists(daemonLog);
            DaemonProcess d = DaemonProcess.start(Path.of(args.get("jar")), jvm, cg, config, kubeconfig, daemonLog,
                    List.of());
            try {
                run(d, cg, client);
            } finally {
                put("cgroup_max_usage_mib", mib(cg.maxUsageBytes()));
                put("cgroup_oom_kills", cg.oomKills());
                put("alive_at_end", d.isAlive());
                d.close();
                api.destroy();
                api.waitFor();
            }
        } finally {
            write();
        }
    }

    private void run(DaemonProcess d, MemoryCgroup cg, KubernetesClient client) throws Exception {
        double first = d.awaitFirstSync(Duration.ofMinutes(15));
        if (first < 0) {
            put("first_sync", d.isAlive() ? "timeout" : "died (exit " + d.exitCode() + ")");
            log("daemon did not sync: %s", result.get("first_sync"));
            return;
        }
        put("first_sync_s", first);
        put("svc_chains", kernel.countChains("KUBE-SVC-"));
        put("rules_live_s", d.secondsSinceStart());
        Thread.sleep(5000);
        snapshot(d, "first");

        int samples = Integer.parseInt(args.getOrDefault("samples", "30"));
        Metrics before = d.metrics();
        List<Double> latencies = new ArrayList<>();
        for (int n = 0; n < samples && d.isAlive(); n++) {
            Thread.sleep(1200); // past minSyncPeriod: every change is its own partial sync
            latencies.add(changeAndWait(client, (n * STRIDE) % cluster.services()));
        }
        Metrics after = d.metrics();
        latencies.sort(null);
        put("latency_samples", latencies.size());
        put("latency_p50_s", percentile(latencies, 0.50));
        put("latency_p99_s", percentile(latencies, 0.99));
        put("latency_max_s", latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1));
        put("npl_p50_s", after.quantileSince(before, "kubeproxy_network_programming_duration_seconds", 0.50));
        put("npl_p99_s", after.quantileSince(before, "kubeproxy_network_programming_duration_seconds", 0.99));
        put("partial_sync_mean_s", after.meanSince(before, "kubeproxy_sync_partial_proxy_rules_duration_seconds"));
        put("partial_sync_p50_s", after.quantileSince(before, "kubeproxy_sync_partial_proxy_rules_duration_seconds", 0.5));
        put("sync_mean_s", after.meanSince(before, "kubeproxy_sync_proxy_rules_duration_seconds"));

        int changes = Integer.parseInt(args.getOrDefault("changes", "1000"));
        long c0 = System.nanoTime();
        int last = 0;
        String lastIp = null;
        for (int n = 0; n < changes && d.isAlive(); n++) {
            last = (n * STRIDE + 1) % cluster.services();
            lastIp = change(client, last, n % cluster.endpoints());
        }
        put("changes", changes);
        put("changes_api_s", secs(System.nanoTime() - c0));
        if (lastIp != null) {
            String sep = ChainNames.endpointChain(LabCluster.portName(last), lastIp + ":" + LabCluster.TARGET_PORT);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (d.isAlive() && !kernel.hasChain(sep) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            put("changes_settled_s", secs(System.nanoTime() - c0));
        }
        Thread.sleep(5000);
        snapshot(d, "changes");
        put("restore_failures", d.metrics().sum("kubeproxy_sync_proxy_rules_iptables_restore_failures_total"));
    }

    /** RSS and live heap, plus the top of the class histogram kept next to the figures. */
    private void snapshot(DaemonProcess d, String when) throws IOException, InterruptedException {
        if (!d.isAlive()) {
            put("rss_" + when + "_mib", "died");
            return;
        }
        put("rss_" + when + "_mib", mib(d.rssBytes()));
        String histo = d.classHistogram();
        put("live_heap_" + when + "_mib", mib(DaemonProcess.histogramTotal(histo)));
        put("rss_after_gc_" + when + "_mib", mib(d.rssBytes()));
        List<String> lines = histo.lines().limit(28).toList();
        Files.write(out.resolve(id() + "-histogram-" + when + ".txt"), lines);
        Files.writeString(out.resolve(id() + "-heapinfo-" + when + ".txt"), d.jcmd("GC.heap_info"));
    }

    /** One endpoint change through the API; seconds until its endpoint chain is in the kernel. */
    private double changeAndWait(KubernetesClient client, int service) throws Exception {
        long t0 = System.nanoTime();
        String ip = change(client, service, 0);
        String sep = ChainNames.endpointChain(LabCluster.portName(service), ip + ":" + LabCluster.TARGET_PORT);
        long deadline = t0 + Duration.ofMinutes(5).toNanos();
        while (!kernel.hasChain(sep)) {
            if (System.nanoTime() > deadline) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return secs(System.nanoTime() - t0);
    }

    /** Gives endpoint {@code k} of {@code service} a new address; returns it. */
    String change(KubernetesClient client, int service, int k) {
        String ip = LabCluster.changedIP(changeCounter++);
        Map<Integer, String> r = replaced.computeIfAbsent(service, x -> new HashMap<>());
        r.put(k, ip);
        client.discovery().v1().endpointSlices().inNamespace(LabCluster.namespace(service))
                .resource(cluster.slice(service, r, Instant.now())).update();
        return ip;
    }

    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private void put(String k, Object v) {
        String s = v instanceof Double dv ? String.format(Locale.ROOT, "%.3f", dv) : String.valueOf(v);
        result.put(k, s);
        log("%s = %s", k, s);
    }

    private void write() throws IOException {
        Properties p = new Properties();
        p.putAll(result);
        try (var w = Files.newBufferedWriter(out.resolve(id() + ".properties"))) {
            p.store(w, "sluice daemon lab");
        }
    }

    static double secs(long nanos) {
        return nanos / 1e9;
    }

    static long mib(long bytes) {
        return bytes < 0 ? -1 : Math.round(bytes / 1048576.0);
    }

    static void log(String fmt, Object... a) {
        System.out.printf("[lab %s] %s%n", Instant.now(), String.format(Locale.ROOT, fmt, a));
        System.out.flush();
    }
}
