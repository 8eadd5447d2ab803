package io.sluice.app.lab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code sluice run} (the shaded jar) as the DaemonSet runs it: the DaemonSet's {@code JAVA_TOOL_OPTIONS},
 * inside a {@link MemoryCgroup} with the DaemonSet's memory limit, in the lab's network namespace (inherited from the
 * lab process). Observed from outside only: /proc, jcmd, /metrics.
 */
public final class DaemonProcess implements AutoCloseable {
    public static final int METRICS_PORT = 10249;
    public static final int HEALTHZ_PORT = 10256;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final long startNanos;
    private final Path log;

    private DaemonProcess(Process process, long startNanos, Path log) {
        this.process = process;
        this.startNanos = startNanos;
        this.log = log;
    }

    /**
     * @param jar              sluice.jar
     * @param javaToolOptions  the DaemonSet's JAVA_TOOL_OPTIONS
     * @param cgroup           the group to run in, or null
     */
    public static DaemonProcess start(Path jar, String javaToolOptions, MemoryCgroup cgroup, Path config,
                                      Path kubeconfig, Path log, List<String> extraArgs) throws IOException {
        return start(jar, javaToolOptions, cgroup, config, kubeconfig, log, extraArgs, java.util.Map.of());
    }

    /** As above, with extra environment variables (e.g. a private {@code XTABLES_LOCKFILE}, a {@code PATH}). */
    public static DaemonProcess start(Path jar, String javaToolOptions, MemoryCgroup cgroup, Path config,
                                      Path kubeconfig, Path log, List<String> extraArgs,
                                      java.util.Map<String, String> env) throws IOException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "run", "--config", config.toString(), "--kubeconfig", kubeconfig.toString(),
                "--hostname-override", LabCluster.NODE));
        argv.addAll(extraArgs);
        if (cgroup != null) {
            argv = MemoryCgroup.enterThenExec(cgroup, argv);
        }
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        return new DaemonProcess(pb.start(), t0, log);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitCode() {
        return process.exitValue();
    }

    public double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public Path log() {
        return log;
    }

    /** VmRSS in bytes, or -1 when the process is gone. */
    public long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** {@code jcmd <pid> GC.class_histogram} (a full GC first: live objects only). */
    public String classHistogram() throws IOException, InterruptedException {
        return jcmd("GC.class_histogram");
    }

    /** Total bytes of a class histogram (its {@code Total} line). */
    public static long histogramTotal(String histogram) {
        for (String line : histogram.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Total")) {
                String[] f = t.split("\\s+");
                return Long.parseLong(f[2]);
            }
        }
        return -1;
    }

    public String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(2, TimeUnit.MINUTES);
        return out;
    }

    /** /metrics, or empty metrics when not (yet) served. */
    public Metrics metrics() {
        try {
            return Metrics.parse(get(METRICS_PORT, "/metrics").body());
        } catch (IOException e) {
            return Metrics.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Metrics.empty();
        }
    }

    /** Status of /healthz, or -1 when nothing answers. */
    public int healthz() {
        try {
            return get(HEALTHZ_PORT, "/healthz").statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Seconds since start at which the first sync was reported by /metrics, polling every 100 ms; -1 if it died. */
    public double awaitFirstSync(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && isAlive()) {
            if (metrics().sum("kubeproxy_sync_proxy_rules_last_timestamp_seconds") > 0) {
                return secondsSinceStart();
            }
            Thread.sleep(100);
        }
        return -1;
    }

    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
