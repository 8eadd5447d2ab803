package io.sluice.app.netlab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the packaged {@code sluice.jar} inside a lab namespace, as the DaemonSet would run it on a node. */
public final class SluiceCli {
    private SluiceCli() {
    }

    /** The shaded jar: failsafe runs after {@code package}, so it exists. */
    public static Path jar() {
        Path jar = Path.of("target", "sluice.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar + ": run mvn verify (package precedes the ITs)");
        }
        return jar;
    }

    public static List<String> argv(String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar().toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** {@code sluice ARGS} inside namespace {@code ns}; returns exit code and combined output. */
    public static NetLab.Result run(NetLab lab, String ns, String... args) {
        return lab.tryIn(ns, Duration.ofMinutes(2), argv(args).toArray(String[]::new));
    }

    /** {@code sluice run --once} of {@code objects} in the lab's node; the test fails (with Sluice's output) unless it succeeds. */
    public static void syncOnce(NetLab lab, Path objects, Path config) {
        NetLab.Result run = run(lab, lab.node(), "run", "--once", "--objects", objects.toString(),
                "--config", config.toString());
        org.assertj.core.api.Assertions.assertThat(run.exitCode())
                .as("sluice run --once output:%n%s", run.output()).isZero();
    }

    /**
     * A long-running {@code sluice run --objects} in the lab's node (its first sync is full, later ones partial),
     * logging to {@code log}. The caller stops it; shutdown leaves the rules in place.
     */
    public static Process startDaemon(NetLab lab, Path objects, Path config, Path log) throws java.io.IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.node()));
        argv.addAll(argv("run", "--objects", objects.toString(), "--config", config.toString(),
                "--metrics-bind-address", "127.0.0.1:0", "--healthz-bind-address", "127.0.0.1:0"));
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A KubeProxyConfiguration for the lab node: cluster CIDR 10.244.0.0/16, node-a. */
    public static Path config(Path dir, String extraYaml) throws java.io.IOException {
        return config(dir, "10.244.0.0/16", extraYaml);
    }

    /** The same for another {@code clusterCIDR}, e.g. the dual-stack pair {@code 10.244.0.0/16,fd00:10:244::/48}. */
    public static Path config(Path dir, String clusterCidr, String extraYaml) throws java.io.IOException {
        return config(dir, "iptables", clusterCidr, extraYaml);
    }

    /** The same for another proxy {@code mode} ("iptables", "nftables"): the backend {@code sluice run} then uses. */
    public static Path config(Path dir, String mode, String clusterCidr, String extraYaml) throws java.io.IOException {
        return Files.writeString(dir.resolve("config.yaml"), """
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                kind: KubeProxyConfiguration
                mode: %s
                hostnameOverride: node-a
                clusterCIDR: %s
                detectLocalMode: ClusterCIDR
                metricsBindAddress: 127.0.0.1:10249
                healthzBindAddress: 127.0.0.1:10256
                """.formatted(mode, clusterCidr) + extraYaml);
    }
}
