package io.sluice.app.lab;

import io.sluice.app.netlab.SluiceCli;
import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon lab's reliability suite at CI size: {@link ReliabilityLab} with 50 services × 4 endpoints, the API
 * server cut off for 20 s, the xtables lock held for 5 s, an injected iptables-restore failure, 45 s of endpoint
 * churn at 600 changes/minute and two kill -9 restarts, all under traffic, against the packaged jar with the
 * DaemonSet's JVM options and memory limit. The lab runs in its own JVM inside a fresh network namespace (entered with
 * {@code nsenter --net}, so the daemon's JVM sees its memory cgroup); this test asserts on the figures it writes.
 */
class ReliabilityIT {

    @Test
    void givenTrafficWhenTheApiServerTheLockTheRestoreAndTheProcessFailThenNoConnectionBreaksAndRulesStay()
            throws Exception {
        PrivilegedTier.require("ip", "nsenter", "flock", "iptables-legacy", "iptables-legacy-restore",
                "iptables-legacy-save");
        PrivilegedTier.require(MemoryCgroup.available(), "the cgroup v1 memory controller at /sys/fs/cgroup/memory");
        String ns = "slab-rit-" + ProcessHandle.current().pid();
        Path out = Files.createTempDirectory("sluice-reliability-it");
        run(List.of("ip", "netns", "add", ns));
        try {
            run(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"));
            List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + ns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-cp",
                    System.getProperty("java.class.path"), ReliabilityLab.class.getName(),
                    "--services", "50", "--endpoints", "4", "--jar", SluiceCli.jar().toString(), "--out", out.toString(),
                    "--repo", Path.of("..").toAbsolutePath().normalize().toString(), "--label", "ci",
                    "--api-down-s", "20", "--lock-s", "5", "--churn-per-min", "600", "--churn-s", "45",
                    "--restarts", "2"));
            Process lab = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(out.resolve("lab.out").toFile()).start();
            assertThat(lab.waitFor(15, TimeUnit.MINUTES)).as("lab finished; see %s", out).isTrue();
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(out.resolve("reliability-ci-50x4.properties"))) {
                p.load(r);
            }
            String context = "lab output in " + out + ": " + p;

            // API server away: nothing rewritten, nothing restarted, back in sync right after it returns
            assertThat(p.getProperty("api_down_rules_untouched")).as(context).isEqualTo("true");
            assertThat(p.getProperty("api_down_alive_same_pid")).as(context).isEqualTo("true");
            assertThat(Double.parseDouble(p.getProperty("api_down_full_syncs"))).as(context).isZero();
            assertThat(Double.parseDouble(p.getProperty("api_down_return_to_change_in_kernel_s"))).as(context)
                    .isFinite();
            // xtables lock: the change lands once the lock is free
            assertThat(Double.parseDouble(p.getProperty("lock_release_to_change_in_kernel_s"))).as(context).isFinite();
            // failing restore: previous rules kept, counted, full resync after
            assertThat(p.getProperty("fail_previous_rules_kept")).as(context).isEqualTo("true");
            assertThat(Double.parseDouble(p.getProperty("fail_restore_failures_counted"))).as(context).isPositive();
            assertThat(Double.parseDouble(p.getProperty("fail_full_syncs_after"))).as(context).isPositive();
            assertThat(Double.parseDouble(p.getProperty("fail_recovery_change_in_kernel_s"))).as(context).isFinite();
            // churn: no established connection broken
            assertThat(Long.parseLong(p.getProperty("churn_held_broken"))).as(context).isZero();
            assertThat(Long.parseLong(p.getProperty("churn_held_exchanges"))).as(context).isPositive();
            // kill -9 and restart: no connection failed
            assertThat(Long.parseLong(p.getProperty("kill9_connect_failed"))).as(context).isZero();
            assertThat(Long.parseLong(p.getProperty("kill9_held_broken"))).as(context).isZero();
            assertThat(Long.parseLong(p.getProperty("kill9_connect_ok"))).as(context).isPositive();
            assertThat(Long.parseLong(p.getProperty("connect_failed_total"))).as(context).isZero();
            assertThat(Long.parseLong(p.getProperty("cgroup_oom_kills"))).as(context).isZero();
        } finally {
            run(List.of("ip", "netns", "del", ns));
        }
    }

    private static void run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).inheritIO().start();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("%s", argv).isZero();
    }
}
