package io.sluice.app.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A cgroup v1 memory controller group with a hard limit, as the kubelet gives a container with
 * {@code resources.limits.memory}. A process is moved in by writing its pid to {@code cgroup.procs} before it execs
 * the JVM (see {@link DaemonProcess}), so the JVM sizes its heap from the limit exactly as in a pod.
 */
public final class MemoryCgroup implements AutoCloseable {
    private static final Path ROOT = Path.of("/sys/fs/cgroup/memory");
    private final Path dir;

    private MemoryCgroup(Path dir) {
        this.dir = dir;
    }

    public static boolean available() {
        return Files.isWritable(ROOT.resolve("cgroup.procs"));
    }

    /** Creates (or reuses) {@code /sys/fs/cgroup/memory/<name>} with the given limit. */
    public static MemoryCgroup create(String name, long limitBytes) throws IOException {
        Path dir = ROOT.resolve(name);
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
        }
        MemoryCgroup g = new MemoryCgroup(dir);
        g.write("memory.limit_in_bytes", Long.toString(limitBytes));
        if (Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
            // No swap either, as in a pod (kubelet's default).
            g.write("memory.memsw.limit_in_bytes", Long.toString(limitBytes));
        }
        g.write("memory.max_usage_in_bytes", "0");
        return g;
    }

    public Path procsFile() {
        return dir.resolve("cgroup.procs");
    }

    public long maxUsageBytes() throws IOException {
        return Long.parseLong(read("memory.max_usage_in_bytes"));
    }

    public void resetMaxUsage() throws IOException {
        write("memory.max_usage_in_bytes", "0");
    }

    /** Processes the kernel OOM-killed in this group ({@code oom_kill} of memory.oom_control), or -1 if not shown. */
    public long oomKills() throws IOException {
        for (String line : read("memory.oom_control").split("\n")) {
            if (line.startsWith("oom_kill ")) {
                return Long.parseLong(line.substring("oom_kill ".length()).trim());
            }
        }
        return -1;
    }

    private String read(String file) throws IOException {
        return Files.readString(dir.resolve(file)).trim();
    }

    private void write(String file, String value) throws IOException {
        Files.writeString(dir.resolve(file), value);
    }

    /** Removes the group (its processes must have exited). */
    @Override
    public void close() {
        try {
            for (int i = 0; i < 50 && !Files.readString(procsFile()).isBlank(); i++) {
                Thread.sleep(100);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | InterruptedException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }

    public static List<String> enterThenExec(MemoryCgroup g, List<String> argv) {
        List<String> full = new java.util.ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                g.procsFile().toString()));
        full.addAll(argv);
        return full;
    }
}
