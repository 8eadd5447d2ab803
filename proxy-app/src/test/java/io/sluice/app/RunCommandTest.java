package io.sluice.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code sluice run} as a separate JVM (the real main, real signals), in dry-run mode so no kernel is touched. */
class RunCommandTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "cluster.yaml").toAbsolutePath();

    private static Process start(Path log, String... args) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SluiceMain.class.getName()));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aDryRunServesMetricsAndHealthzAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        int metricsPort = freePort();
        int healthPort = freePort();
        Path log = dir.resolve("run.log");
        Process p = start(log, "run", "--dry-run", "--objects", EXAMPLE.toString(), "--hostname-override", "node-a",
                "--metrics-bind-address", "127.0.0.1:" + metricsPort, "--healthz-bind-address", "127.0.0.1:" + healthPort);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("kubeproxy_sync_proxy_rules_last_timestamp_seconds")
                        .contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket");
            });
            HttpResponse<String> healthz = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + healthPort + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(healthz.statusCode()).isEqualTo(200);
            assertThat(healthz.body()).contains("lastUpdated").contains("nodeEligible");
            HttpResponse<String> livez = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + healthPort + "/livez")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(livez.statusCode()).isEqualTo(200);
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
        assertThat(Files.readString(log)).doesNotContain("Exception");
    }

    @Test
    void withoutIptablesOnTheHostItSaysWhatToInstallOnceAndExitsNonZero(@TempDir Path dir) throws Exception {
        // Given a host whose PATH holds no iptables tools (an empty directory)
        Path emptyBin = Files.createDirectory(dir.resolve("bin"));
        Path log = dir.resolve("no-iptables.log");
        List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SluiceMain.class.getName(),
                "run", "--objects", EXAMPLE.toString(), "--hostname-override", "node-a",
                "--metrics-bind-address", "127.0.0.1:" + freePort(), "--healthz-bind-address", "127.0.0.1:" + freePort());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PATH", emptyBin.toString());

        // When sluice run starts (not a dry-run)
        Process p = pb.start();

        // Then it exits non-zero at start with one line naming the missing tool and the package to install
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits instead of failing every sync").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(SluiceMain.EXIT_FAILURE);
        assertThat(out).contains("cannot start the iptables backend").contains("iptables-nft-restore")
                .contains("apt-get install iptables");
        assertThat(out.lines().filter(l -> l.contains("cannot start the iptables backend")).count()).isEqualTo(1);
    }

    @Test
    void onceWithDryRunSyncsOnceAndExitsZero(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("once.log");
        Process p = start(log, "run", "--once", "--dry-run", "--objects", EXAMPLE.toString(), "--hostname-override", "node-a");

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
    }

    @Test
    void writeConfigToWritesTheDefaultedConfiguration(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("written.yaml");

        CliRunner r = CliRunner.run("run", "--config", "../examples/kube-proxy-config.yaml", "--write-config-to", out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(out)).contains("kind: KubeProxyConfiguration").contains("masqueradeBit: 14");
        assertThat(CliRunner.run("dump", "--objects", EXAMPLE.toString(), "--config", out.toString()).out())
                .isEqualTo(CliRunner.run("dump", "--objects", EXAMPLE.toString(), "--config",
                        "../examples/kube-proxy-config.yaml").out());
    }

    @Test
    void versionPrintsTheBackends() {
        CliRunner r = CliRunner.run("version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("sluice ").contains("backends iptables,ipvs");
    }
}
