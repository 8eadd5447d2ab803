package io.sluice.app.netlab;

import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /livez} and {@code /healthz} of a real {@code sluice run} whose syncs keep failing: kube-proxy's
 * {@code proxy_health.go} semantics end to end. The daemon runs in the lab's node namespace with {@code PATH} leading
 * to an {@code iptables-restore} that refuses every payload (it still answers {@code --version}, so the variant is
 * detected as usual). The initial state is a queued change that never lands: after 2 x syncPeriod the probes answer
 * 503, the failures are counted; once restores work again the next retry (backoff capped at syncPeriod) succeeds and
 * the probes answer 200.
 */
class HealthUnderFailingSyncsIT {

    private static final Path EXAMPLE = Path.of("..", "examples", "cluster.yaml").toAbsolutePath();
    private static final Duration GENEROUS = Duration.ofMinutes(2);

    @Test
    void probesTurn503WhenSyncsKeepFailingAndRecoverWhenTheyWorkAgain(@TempDir Path dir) throws Exception {
        PrivilegedTier.require("ip", "iptables", "iptables-save", "iptables-legacy-restore", "iptables-nft-restore",
                "curl");
        Path fakeBin = Files.createDirectories(dir.resolve("bin"));
        refuseRestores(fakeBin, true);
        Path config = SluiceCli.config(dir, """
                iptables:
                  syncPeriod: 2s
                  minSyncPeriod: 0s
                """);
        try (NetLab lab = NetLab.create("slhz")) {
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.node(), "env",
                    "PATH=" + fakeBin + ":" + System.getenv("PATH")));
            argv.addAll(SluiceCli.argv("run", "--objects", EXAMPLE.toString(), "--config", config.toString(),
                    "--metrics-bind-address", "127.0.0.1:10249", "--healthz-bind-address", "127.0.0.1:10256"));
            Path log = dir.resolve("run.log");
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                // Then: every sync fails, and after 2 x syncPeriod without success both probes say so
                await().atMost(GENEROUS).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    assertThat(status(lab, "/livez")).as(Files.readString(log)).isEqualTo("503");
                    assertThat(status(lab, "/healthz")).isEqualTo("503");
                });
                assertThat(body(lab, "/healthz")).contains("\"healthy\":false", "\"IPv4\":{\"lastUpdated\":");
                String metrics = body(lab, "/metrics");
                assertThat(value(metrics, "sluice_sync_errors_total{sync=\"full\"}")).isGreaterThanOrEqualTo(2);
                assertThat(value(metrics, "kubeproxy_sync_proxy_rules_iptables_restore_failures_total{ip_family=\"IPv4\"}"))
                        .isGreaterThanOrEqualTo(2);
                assertThat(value(metrics, "kubeproxy_proxy_livez_total{code=\"503\"}")).isGreaterThanOrEqualTo(1);
                assertThat(p.isAlive()).as("failing syncs are retried, never fatal").isTrue();

                // When restores work again, Then the next retry lands the rules and the probes recover
                refuseRestores(fakeBin, false);
                await().atMost(GENEROUS).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    assertThat(status(lab, "/livez")).as(Files.readString(log)).isEqualTo("200");
                    assertThat(status(lab, "/healthz")).as(Files.readString(log)).isEqualTo("200");
                });
                assertThat(lab.inNode("iptables-save", "-t", "nat")).contains(":KUBE-SERVICES");
            } finally {
                p.destroy();
                assertThat(p.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
            }
            assertThat(Files.readString(log)).contains("injected: restore refused")
                    .doesNotContain("fatal error");
        }
    }

    /** {@code iptables-*-restore} wrappers: the real binary for {@code --version}, else refuse (or pass through). */
    private static void refuseRestores(Path bin, boolean refuse) throws IOException {
        for (String tool : List.of("iptables-legacy-restore", "iptables-nft-restore")) {
            Path real = PrivilegedTier.requireTool(tool);
            String script = refuse ? """
                    #!/bin/sh
                    for a in "$@"; do [ "$a" = --version ] && exec %s "$@"; done
                    cat >/dev/null
                    echo "injected: restore refused" >&2
                    exit 1
                    """.formatted(real) : """
                    #!/bin/sh
                    exec %s "$@"
                    """.formatted(real);
            Path tmp = bin.resolve(tool + ".tmp");
            Files.writeString(tmp, script);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, bin.resolve(tool), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static String status(NetLab lab, String path) {
        return lab.tryIn(lab.node(), Duration.ofSeconds(10), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--max-time", "5", "http://127.0.0.1:" + (path.equals("/metrics") ? 10249 : 10256) + path).output();
    }

    private static String body(NetLab lab, String path) {
        return lab.tryIn(lab.node(), Duration.ofSeconds(10), "curl", "-s", "--max-time", "5",
                "http://127.0.0.1:" + (path.equals("/metrics") ? 10249 : 10256) + path).output();
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
