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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM during a sync of a real {@code sluice run}: the daemon waits for the {@code iptables-restore} in progress
 * before it exits, and the rules stay. The daemon runs in the lab's node namespace with {@code PATH} leading to an
 * {@code iptables-restore} wrapper that marks its start, takes 3 s, runs the real restore and marks its end. When
 * the process has exited, the end mark must already be there (without the wait the JVM would exit while the
 * restore still runs).
 */
class GracefulShutdownIT {

    private static final Path EXAMPLE = Path.of("..", "examples", "cluster.yaml").toAbsolutePath();
    private static final Duration GENEROUS = Duration.ofMinutes(2);

    @Test
    void sigtermWaitsForTheRestoreInProgressAndLeavesTheRules(@TempDir Path dir) throws Exception {
        PrivilegedTier.require("ip", "iptables", "iptables-save", "iptables-legacy-restore", "iptables-nft-restore");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path started = dir.resolve("restore-started");
        Path finished = dir.resolve("restore-finished");
        for (String tool : List.of("iptables-legacy-restore", "iptables-nft-restore")) {
            Path real = PrivilegedTier.requireTool(tool);
            Path script = bin.resolve(tool);
            Files.writeString(script, """
                    #!/bin/sh
                    for a in "$@"; do [ "$a" = --version ] && exec %1$s "$@"; done
                    touch %2$s
                    sleep 3
                    %1$s "$@"
                    rc=$?
                    touch %3$s
                    exit $rc
                    """.formatted(real, started, finished));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path config = SluiceCli.config(dir, "");
        try (NetLab lab = NetLab.create("slterm")) {
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.node(), "env",
                    "PATH=" + bin + ":" + System.getenv("PATH")));
            argv.addAll(SluiceCli.argv("run", "--objects", EXAMPLE.toString(), "--config", config.toString(),
                    "--metrics-bind-address", "127.0.0.1:0", "--healthz-bind-address", "127.0.0.1:0",
                    "--shutdown-timeout", "60s"));
            Path log = dir.resolve("run.log");
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                // Given the first sync's restore in progress
                await().atMost(GENEROUS).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(started));
                assertThat(finished).doesNotExist();

                // When SIGTERM arrives
                p.destroy();
                assertThat(p.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();

                // Then the process waited for the restore, and the rules it wrote stay
                assertThat(finished).as("the restore ended before the process did").exists();
                String out = Files.readString(log);
                assertThat(p.exitValue()).as(out).isEqualTo(143);
                assertThat(out).containsSubsequence("shutting down", "first sync done", "stopped")
                        .doesNotContain("did not finish");
                assertThat(lab.inNode("iptables-save", "-t", "nat")).contains(":KUBE-SERVICES")
                        .contains("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
