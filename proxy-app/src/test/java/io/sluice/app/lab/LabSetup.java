package io.sluice.app.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the lab takes from the repository: the DaemonSet's JVM options and memory limit
 * ({@code manifests/base/daemonset.yaml}), the iptables overlay's configuration, and the lab API server process.
 */
public final class LabSetup {
    private LabSetup() {
    }

    /** The {@code JAVA_TOOL_OPTIONS} value of the DaemonSet. */
    public static String javaToolOptions(Path daemonSet) throws IOException {
        Matcher m = Pattern.compile("name: JAVA_TOOL_OPTIONS\\s*\\n(?:\\s*#.*\\n)*\\s*value: (.+)")
                .matcher(Files.readString(daemonSet));
        if (!m.find()) {
            throw new IllegalStateException("no JAVA_TOOL_OPTIONS in " + daemonSet);
        }
        return m.group(1).trim().replaceAll("^\"|\"$", "");
    }

    /** {@code resources.limits.memory} of the DaemonSet in bytes (Mi or Gi). */
    public static long memoryLimit(Path daemonSet) throws IOException {
        Matcher m = Pattern.compile("limits:\\s*\\n(?:\\s*#.*\\n)*\\s*memory: (\\d+)(Mi|Gi)").matcher(Files.readString(daemonSet));
        if (!m.find()) {
            throw new IllegalStateException("no limits.memory in " + daemonSet);
        }
        return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1L << 30 : 1L << 20);
    }

    /** The overlay's KubeProxyConfiguration with the lab's kubeconfig and loopback-only servers. */
    public static Path config(Path overlayConfig, Path kubeconfig, Path out, String extraIptables) throws IOException {
        String text = Files.readString(overlayConfig)
                .replaceAll("kubeconfig: .*", "kubeconfig: " + kubeconfig)
                .replaceAll("metricsBindAddress: .*", "metricsBindAddress: 127.0.0.1:" + DaemonProcess.METRICS_PORT)
                .replaceAll("healthzBindAddress: .*", "healthzBindAddress: 127.0.0.1:" + DaemonProcess.HEALTHZ_PORT);
        if (!extraIptables.isEmpty()) {
            text = text.replace("iptables:\n", "iptables:\n" + extraIptables);
        }
        return Files.writeString(out, text);
    }

    /** Starts {@link MockApiServerMain} as its own JVM and waits until it is filled. */
    public static Process startApiServer(int port, LabCluster cluster, Path log, Duration timeout)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx3g", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                MockApiServerMain.class.getName(), Integer.toString(port), Integer.toString(cluster.services()),
                Integer.toString(cluster.endpoints())));
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String[] line = new String[1];
        Thread reader = new Thread(() -> {
            try {
                line[0] = out.readLine();
            } catch (IOException e) {
                line[0] = null;
            }
        });
        reader.setDaemon(true);
        reader.start();
        reader.join(timeout.toMillis());
        if (line[0] == null || !line[0].startsWith("READY")) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IOException("lab API server did not get ready (see " + log + "): " + line[0]);
        }
        return p;
    }
}
