package io.sluice.app.lab;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The reliability suite of the daemon lab, on the real kernel of the network namespace it runs in, with traffic
 * ({@link Traffic}) through the services the whole time, against one daemon (restarted once):
 * <ol>
 *   <li>api-down: the API server is unreachable ({@link ApiGate} cut) for a while: the nat table must stay as it
 *       is, the daemon must stay up (same pid), no full sync may run when nothing changed, and a change made as the
 *       API returns must reach the kernel soon after;</li>
 *   <li>xtables-lock: the xtables lock (a private {@code XTABLES_LOCKFILE}, so no other user of the machine waits)
 *       is held while a change arrives: the change lands once it is released;</li>
 *   <li>failing-restore: {@code iptables-restore} fails (a wrapper first on the daemon's PATH, switched by a flag
 *       file): the previous rules stay, the failure counter goes up, and after the fault a full sync lands the
 *       change;</li>
 *   <li>churn: endpoint changes at a fixed rate (a tenth on the services carrying traffic): no established
 *       connection may break, RSS is sampled;</li>
 *   <li>kill-9: the daemon is killed and a new one started at once: no connection may fail.</li>
 * </ol>
 * Results go to one properties file; {@link ReliabilityReport} writes docs/reliability.md from it, and the
 * privileged-tier {@code ReliabilityIT} runs a small version and asserts on it.
 *
 * <p>Usage: {@code ReliabilityLab --services N --endpoints E --jar sluice.jar --out DIR [--api-down-s 300]
 * [--lock-s 15] [--churn-per-min 1000] [--churn-s 180] [--label current] [--repo .]}
 */
public final class ReliabilityLab {
    private final Map<String, String> args;
    private final LabCluster cluster;
    private final KernelRules kernel = new KernelRules("legacy");
    private final Map<String, String> result = new LinkedHashMap<>();

    ReliabilityLab(Map<String, String> args) {
        this.args = args;
        this.cluster = new LabCluster(Integer.parseInt(args.get("services")), Integer.parseInt(args.get("endpoints")));
    }

    public static void main(String[] argv) throws Exception {
        new ReliabilityLab(DaemonLab.parseArgs(argv)).run();
        System.exit(0);
    }

    private int intArg(String k, int def) {
        return Integer.parseInt(args.getOrDefault(k, Integer.toString(def)));
    }

    void run() throws Exception {
        Path out = Path.of(args.get("out"));
        Files.createDirectories(out);
        Path repo = Path.of(args.getOrDefault("repo", "."));
        Path work = Files.createTempDirectory("sluice-rlab");
        Path daemonSet = repo.resolve("manifests/base/daemonset.yaml");
        String jvm = LabSetup.javaToolOptions(daemonSet);
        long limit = LabSetup.memoryLimit(daemonSet);
        String id = "reliability-" + args.getOrDefault("label", "current") + "-" + cluster.services() + "x"
                + cluster.endpoints();
        put("label", args.getOrDefault("label", "current"));
        put("services", cluster.services());
        put("endpoints", cluster.endpoints());
        put("jvm_options", jvm);
        put("memory_limit_mib", limit >> 20);
        put("date", Instant.now().toString());
        kernel.markVariant();
        Process api = LabSetup.startApiServer(DaemonLab.API_PORT, cluster, work.resolve("api.log"), Duration.ofMinutes(20));
        Path kubeconfig = MockApiServerMain.writeKubeconfig(work.resolve("kubeconfig"),
                "http://127.0.0.1:" + DaemonLab.GATE_PORT);
        Path config = LabSetup.config(repo.resolve("manifests/overlays/iptables/config.conf"), kubeconfig,
                work.resolve("config.conf"), "");
        Path lockFile = work.resolve("xtables.lock");
        Files.writeString(lockFile, "");
        Path failFlag = work.resolve("fail-restore");
        Path wrap = restoreWrapper(work.resolve("bin"), failFlag);
        Map<String, String> env = Map.of("XTABLES_LOCKFILE", lockFile.toString(),
                "PATH", wrap + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        Path log = out.resolve(id + ".log");
        Files.deleteIfExists(log);
        int trafficServices = Math.min(10, cluster.services());
        try (ApiGate gate = new ApiGate(DaemonLab.GATE_PORT, DaemonLab.API_PORT);
             MemoryCgroup cg = MemoryCgroup.create("sluice-rlab-" + ProcessHandle.current().pid(), limit);
             KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(
                     MockApiServerMain.writeKubeconfig(work.resolve("direct"), "http://127.0.0.1:" + DaemonLab.API_PORT)
                             .toFile())).build()) {
            gate.open();
            EndpointChanger changer = new EndpointChanger(client, cluster);
            DaemonProcess d = DaemonProcess.start(Path.of(args.get("jar")), jvm, cg, config, kubeconfig, log,
                    List.of(), env);
            Traffic traffic = null;
            try {
                put("first_sync_s", d.awaitFirstSync(Duration.ofMinutes(15)));
                traffic = Traffic.start(trafficServices, 2, 8);
                Thread.sleep(3000);
                put("traffic_warmup_ok", traffic.connectOk.get());
                apiDown(d, gate, changer, traffic);
                xtablesLock(d, lockFile, changer);
                failingRestore(d, failFlag, changer);
                churn(d, changer, traffic, trafficServices);
                d = killAndRestart(d, cg, config, kubeconfig, log, env, traffic);
                put("connect_ok_total", traffic.connectOk.get());
                put("connect_failed_total", traffic.connectFailed.get());
                put("held_broken_total", traffic.heldBroken.get());
                put("held_exchanges_total", traffic.heldExchanges.get());
                put("traffic_last_errors", String.join(" | ", traffic.lastErrors()));
            } finally {
                if (traffic != null) {
                    traffic.close();
                }
                put("cgroup_max_usage_mib", DaemonLab.mib(cg.maxUsageBytes()));
                put("cgroup_oom_kills", cg.oomKills());
                d.close();
                api.destroy();
                api.waitFor();
            }
        } finally {
            Properties p = new Properties();
            p.putAll(result);
            try (var w = Files.newBufferedWriter(out.resolve(id + ".properties"))) {
                p.store(w, "sluice reliability lab");
            }
        }
    }

    private void apiDown(DaemonProcess d, ApiGate gate, EndpointChanger changer, Traffic t) throws Exception {
        int seconds = intArg("api-down-s", 300);
        long pid = d.pid();
        String digest = kernel.natDigest();
        Metrics before = d.metrics();
        long failed = t.connectFailed.get();
        gate.cut();
        long healthy = 0;
        long samples = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            samples++;
            healthy += d.healthz() == 200 ? 1 : 0;
        }
        put("api_down_s", seconds);
        put("api_down_alive_same_pid", d.isAlive() && d.pid() == pid);
        put("api_down_rules_untouched", digest.equals(kernel.natDigest()));
        put("api_down_healthz_200_share", samples == 0 ? 1.0 : (double) healthy / samples);
        gate.open();
        long t0 = System.nanoTime();
        String sep = changer.change(0, 1);
        put("api_down_return_to_change_in_kernel_s", awaitChain(sep, Duration.ofMinutes(3), t0));
        Thread.sleep(2000);
        Metrics after = d.metrics();
        put("api_down_full_syncs", after.sum("kubeproxy_sync_full_proxy_rules_duration_seconds_count")
                - before.sum("kubeproxy_sync_full_proxy_rules_duration_seconds_count"));
        put("api_down_connect_failed", t.connectFailed.get() - failed);
    }

    private void xtablesLock(DaemonProcess d, Path lockFile, EndpointChanger changer) throws Exception {
        int seconds = intArg("lock-s", 15);
        Metrics before = d.metrics();
        Process holder = new ProcessBuilder("flock", lockFile.toString(), "sleep", Integer.toString(seconds))
                .redirectErrorStream(true).start();
        Thread.sleep(300);
        String sep = changer.change(1 % cluster.services(), 1);
        holder.waitFor();
        long released = System.nanoTime();
        put("lock_held_s", seconds);
        put("lock_release_to_change_in_kernel_s", awaitChain(sep, Duration.ofMinutes(3), released));
        Metrics after = d.metrics();
        put("lock_restore_failures", after.sum("kubeproxy_sync_proxy_rules_iptables_restore_failures_total")
                - before.sum("kubeproxy_sync_proxy_rules_iptables_restore_failures_total"));
        put("lock_alive", d.isAlive());
    }

    private void failingRestore(DaemonProcess d, Path failFlag, EndpointChanger changer) throws Exception {
        Metrics before = d.metrics();
        String digest = kernel.natDigest();
        Files.writeString(failFlag, "");
        String sep = changer.change(2 % cluster.services(), 1);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        double failures = 0;
        while (System.nanoTime() < deadline && failures < 1) {
            Thread.sleep(200);
            failures = d.metrics().sum("kubeproxy_sync_proxy_rules_iptables_restore_failures_total")
                    - before.sum("kubeproxy_sync_proxy_rules_iptables_restore_failures_total");
        }
        put("fail_restore_failures_counted", failures);
        put("fail_previous_rules_kept", digest.equals(kernel.natDigest()) && !kernel.hasChain(sep));
        Metrics during = d.metrics();
        Files.delete(failFlag);
        long t0 = System.nanoTime();
        put("fail_recovery_change_in_kernel_s", awaitChain(sep, Duration.ofMinutes(3), t0));
        Thread.sleep(1000);
        put("fail_full_syncs_after", d.metrics().sum("kubeproxy_sync_full_proxy_rules_duration_seconds_count")
                - during.sum("kubeproxy_sync_full_proxy_rules_duration_seconds_count"));
        put("fail_alive", d.isAlive());
    }

    private void churn(DaemonProcess d, EndpointChanger changer, Traffic t, int trafficServices) throws Exception {
        int perMinute = intArg("churn-per-min", 1000);
        int seconds = intArg("churn-s", 180);
        long broken = t.heldBroken.get();
        long failed = t.connectFailed.get();
        long exchanges = t.heldExchanges.get();
        long intervalNanos = 60_000_000_000L / perMinute;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Long> rss = new ArrayList<>();
        long nextSample = start;
        int n = 0;
        String lastSep = null;
        while (System.nanoTime() < end && d.isAlive()) {
            long due = start + n * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int svc = n % 10 == 0 ? (n / 10) % trafficServices : (n * DaemonLab.STRIDE + 3) % cluster.services();
            lastSep = changer.change(svc, n % cluster.endpoints());
            n++;
            if (System.nanoTime() >= nextSample) {
                rss.add(DaemonLab.mib(d.rssBytes()));
                nextSample += 10_000_000_000L;
            }
        }
        put("churn_changes", n);
        put("churn_s", seconds);
        put("churn_per_min", perMinute);
        put("churn_last_change_in_kernel_s", lastSep == null ? -1 : awaitChain(lastSep, Duration.ofMinutes(5),
                System.nanoTime()));
        rss.add(DaemonLab.mib(d.rssBytes()));
        put("churn_rss_samples_mib", rss.toString().replace(",", ""));
        put("churn_rss_first_mib", rss.get(0));
        put("churn_rss_last_mib", rss.get(rss.size() - 1));
        put("churn_rss_max_mib", rss.stream().mapToLong(Long::longValue).max().orElse(-1));
        put("churn_held_broken", t.heldBroken.get() - broken);
        put("churn_connect_failed", t.connectFailed.get() - failed);
        put("churn_held_exchanges", t.heldExchanges.get() - exchanges);
        put("churn_alive", d.isAlive());
    }

    private DaemonProcess killAndRestart(DaemonProcess d, MemoryCgroup cg, Path config, Path kubeconfig, Path log,
                                         Map<String, String> env, Traffic t) throws Exception {
        long failed = t.connectFailed.get();
        long broken = t.heldBroken.get();
        long ok = t.connectOk.get();
        String jvm = result.get("jvm_options");
        int restarts = intArg("restarts", 3);
        double firstSyncMax = 0;
        for (int i = 0; i < restarts; i++) {
            d.kill9();
            d = DaemonProcess.start(Path.of(args.get("jar")), jvm, cg, config, kubeconfig, log, List.of(), env);
            firstSyncMax = Math.max(firstSyncMax, d.awaitFirstSync(Duration.ofMinutes(15)));
            Thread.sleep(2000);
        }
        put("kill9_restarts", restarts);
        put("kill9_first_sync_max_s", firstSyncMax);
        put("kill9_connect_ok", t.connectOk.get() - ok);
        put("kill9_connect_failed", t.connectFailed.get() - failed);
        put("kill9_held_broken", t.heldBroken.get() - broken);
        return d;
    }

    /** Seconds from {@code t0} until the nat table has {@code chain}; +Inf when it never came. */
    private double awaitChain(String chain, Duration timeout, long t0) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (kernel.hasChain(chain)) {
                return DaemonLab.secs(System.nanoTime() - t0);
            }
            Thread.sleep(50);
        }
        return Double.POSITIVE_INFINITY;
    }

    /** A directory with iptables-legacy-restore that fails while {@code flag} exists, else runs the real one. */
    private static Path restoreWrapper(Path dir, Path flag) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process which = new ProcessBuilder("sh", "-c", "command -v iptables-legacy-restore").start();
        String real = new String(which.getInputStream().readAllBytes()).strip();
        which.waitFor();
        Path w = dir.resolve("iptables-legacy-restore");
        Files.writeString(w, """
                #!/bin/sh
                # daemon lab: an injected iptables-restore failure while the flag file exists
                if [ -e '%s' ]; then cat >/dev/null; echo 'lab: injected iptables-restore failure' >&2; exit 1; fi
                exec '%s' "$@"
                """.formatted(flag, real));
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private void put(String k, Object v) {
        String s = v instanceof Double dv ? String.format(Locale.ROOT, "%.3f", dv) : String.valueOf(v);
        result.put(k, s);
        DaemonLab.log("%s = %s", k, s);
    }
}
