package io.sluice.app.lab;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Writes docs/reliability.md from the {@link ReliabilityLab} results ({@code reliability-*.properties}): one table per
 * run, each scenario with what is expected of it, what was measured and whether it held.
 *
 * <p>Usage: {@code ReliabilityReport --in DIR --write docs/reliability.md}.
 */
public final class ReliabilityReport {
    private ReliabilityReport() {
    }

    public static void main(String[] argv) throws IOException {
        Map<String, String> a = DaemonLab.parseArgs(argv);
        List<Properties> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(a.get("in")))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("reliability-")
                    && p.toString().endsWith(".properties")).sorted().toList()) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f)) {
                    p.load(r);
                }
                runs.add(p);
            }
        }
        Files.writeString(Path.of(a.get("write")), render(runs));
    }

    static String render(List<Properties> runs) {
        StringBuilder sb = new StringBuilder("# Reliability\n\n");
        sb.append("Written by `scripts/bench-daemon.sh --reliability` (`io.sluice.app.lab.ReliabilityLab`, "
                + "`ReliabilityReport`): the real `sluice run` (shaded jar, the DaemonSet's JVM options, in a memory "
                + "cgroup with the DaemonSet's limit) against fabric8's mock API server behind a TCP gate that can cut "
                + "it off, on the real kernel (iptables-legacy) of a fresh network namespace, with traffic the whole "
                + "time: 2 clients opening new connections back to back to the ClusterIPs of the first 10 services, "
                + "and 8 established connections exchanging a line every 250 ms (an echo server behind every endpoint "
                + "address). The scenarios run in this order against one daemon; the last one kills it. A CI-sized "
                + "version runs as `ReliabilityIT` (proxy-app, privileged tier) and asserts the same expectations; runs "
                + "labelled `ci` are that size (50 services, 20 s without API server, 45 s of churn at 600/min, two "
                + "restarts), copied from its output directory.\n\n");
        for (Properties p : runs) {
            sb.append("## ").append(p.getProperty("services")).append(" services × ").append(p.getProperty("endpoints"))
                    .append(" endpoints (").append(p.getProperty("label")).append(", ").append(p.getProperty("date"))
                    .append(")\n\n");
            sb.append("JVM options `").append(p.getProperty("jvm_options")).append("`, memory limit ")
                    .append(p.getProperty("memory_limit_mib")).append(" MiB; first sync after ")
                    .append(p.getProperty("first_sync_s")).append(" s; cgroup peak ")
                    .append(p.getProperty("cgroup_max_usage_mib")).append(" MiB, OOM kills ")
                    .append(p.getProperty("cgroup_oom_kills")).append(".\n\n");
            sb.append("| scenario | expected | measured | held |\n|---|---|---|---|\n");
            row(sb, "API server unreachable for " + p.getProperty("api_down_s") + " s",
                    "rules untouched, same process, no full sync, change after return in the kernel within 2 s",
                    "rules untouched: " + p.getProperty("api_down_rules_untouched") + "; same pid: "
                            + p.getProperty("api_down_alive_same_pid") + "; full syncs: "
                            + p.getProperty("api_down_full_syncs") + "; return → change in kernel: "
                            + p.getProperty("api_down_return_to_change_in_kernel_s") + " s; failed connections: "
                            + p.getProperty("api_down_connect_failed") + "; /healthz 200 share: "
                            + p.getProperty("api_down_healthz_200_share"),
                    bool(p, "api_down_rules_untouched") && bool(p, "api_down_alive_same_pid")
                            && num(p, "api_down_full_syncs") == 0 && num(p, "api_down_connect_failed") == 0
                            && num(p, "api_down_return_to_change_in_kernel_s") <= 2.0);
            row(sb, "xtables lock held " + p.getProperty("lock_held_s") + " s while a change arrives",
                    "the change lands once the lock is free; the daemon stays up",
                    "release → change in kernel: " + p.getProperty("lock_release_to_change_in_kernel_s")
                            + " s; restore failures counted meanwhile: " + p.getProperty("lock_restore_failures"),
                    bool(p, "lock_alive") && num(p, "lock_release_to_change_in_kernel_s") < 60);
            row(sb, "iptables-restore fails (injected)",
                    "previous rules kept, failure counted, full sync after the fault lands the change",
                    "previous rules kept: " + p.getProperty("fail_previous_rules_kept") + "; failures counted: "
                            + p.getProperty("fail_restore_failures_counted") + "; full syncs after: "
                            + p.getProperty("fail_full_syncs_after") + "; recovery → change in kernel: "
                            + p.getProperty("fail_recovery_change_in_kernel_s") + " s",
                    bool(p, "fail_previous_rules_kept") && num(p, "fail_restore_failures_counted") >= 1
                            && num(p, "fail_full_syncs_after") >= 1);
            row(sb, "endpoint churn " + p.getProperty("churn_per_min") + "/min for " + p.getProperty("churn_s") + " s",
                    "no established connection broken, memory flat",
                    p.getProperty("churn_changes") + " changes; established broken: "
                            + p.getProperty("churn_held_broken") + " (of " + p.getProperty("churn_held_exchanges")
                            + " exchanges); new connections failed: " + p.getProperty("churn_connect_failed")
                            + "; RSS every 10 s (MiB): " + p.getProperty("churn_rss_samples_mib"),
                    num(p, "churn_held_broken") == 0 && bool(p, "churn_alive"));
            row(sb, "kill -9 and restart, " + p.getProperty("kill9_restarts") + " times",
                    "no connection fails",
                    "new connections ok: " + p.getProperty("kill9_connect_ok") + ", failed: "
                            + p.getProperty("kill9_connect_failed") + "; established broken: "
                            + p.getProperty("kill9_held_broken") + "; slowest first sync after restart: "
                            + p.getProperty("kill9_first_sync_max_s") + " s",
                    num(p, "kill9_connect_failed") == 0 && num(p, "kill9_held_broken") == 0);
            sb.append("\nWhole run: ").append(p.getProperty("connect_ok_total")).append(" new connections, ")
                    .append(p.getProperty("connect_failed_total")).append(" failed; established connections broken: ")
                    .append(p.getProperty("held_broken_total")).append(".");
            String errors = p.getProperty("traffic_last_errors", "");
            if (!errors.isBlank()) {
                sb.append(" Last traffic errors: `").append(errors).append("`.");
            }
            sb.append("\n\n");
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String scenario, String expected, String measured, boolean held) {
        sb.append("| ").append(scenario).append(" | ").append(expected).append(" | ").append(measured).append(" | ")
                .append(held ? "yes" : "**no**").append(" |\n");
    }

    private static boolean bool(Properties p, String k) {
        return Boolean.parseBoolean(p.getProperty(k));
    }

    private static double num(Properties p, String k) {
        try {
            return Double.parseDouble(p.getProperty(k, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
