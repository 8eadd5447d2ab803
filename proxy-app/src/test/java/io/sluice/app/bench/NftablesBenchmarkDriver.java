package io.sluice.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The nftables benchmark in one run (scripts/bench-nftables.sh): for every cluster size and every variant
 * (Sluice's nftables backend, its iptables backend on iptables-legacy and on iptables-nft) it builds a fresh network
 * namespace with a probe pod, runs one {@link NftablesBenchmark} JVM inside it and collects the figures; then it
 * writes the "## nftables" section of docs/benchmarks.md. iptables-nft's restore grows faster than linearly with the
 * ruleset (1,000 × 10 in 5.7 s, 2,000 × 10 in 26 s, in the iptables section), so it runs only up to a size cap.
 * Must run as root; it only ever changes netfilter state inside the namespaces it creates ({@code slnb-*}).
 *
 * <p>Usage: {@code NftablesBenchmarkDriver [--write FILE] [--sizes 1000x10,10000x10,30000x4] [--iptables-nft-cap 1000]
 * [--case-timeout-minutes 40]}
 */
public final class NftablesBenchmarkDriver {
    private static final List<String> VARIANTS = List.of("nftables", "iptables-legacy", "iptables-nft");
    private static final String POD_NS = "slnb-pod";
    private static final String NODE_NS = "slnb-node";
    private static final Path SHIMS = Path.of("/tmp/slnb-shims");

    private NftablesBenchmarkDriver() {
    }

    /** One case's outcome: its RESULT values, or why there are none. */
    record Outcome(Map<String, String> values, String failure) {
        String get(String key) {
            return values.getOrDefault(key, "");
        }
    }

    public static void main(String[] args) throws Exception {
        Path write = null;
        List<int[]> sizes = List.of(new int[] {1000, 10}, new int[] {10000, 10}, new int[] {30000, 4});
        int nftCap = 1000;
        int latencySmall = 10;
        Duration timeout = Duration.ofMinutes(40);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--write" -> write = Path.of(args[++i]);
                case "--sizes" -> {
                    List<int[]> s = new ArrayList<>();
                    for (String p : args[++i].split(",")) {
                        String[] x = p.split("x");
                        s.add(new int[] {Integer.parseInt(x[0]), Integer.parseInt(x[1])});
                    }
                    sizes = s;
                }
                case "--iptables-nft-cap" -> nftCap = Integer.parseInt(args[++i]);
                case "--case-timeout-minutes" -> timeout = Duration.ofMinutes(Long.parseLong(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String machine = machine();
        String started = LocalDate.now(ZoneOffset.UTC).toString();
        installShims();

        Map<String, Outcome> results = new LinkedHashMap<>();
        for (int[] size : sizes) {
            for (String variant : VARIANTS) {
                String key = variant + "@" + size[0] + "x" + size[1];
                if (variant.equals("iptables-nft") && size[0] > nftCap) {
                    results.put(key, new Outcome(Map.of(), "not run (above the " + nftCap + "-service cap)"));
                    continue;
                }
                results.put(key, runCase(variant, size[0], size[1], timeout));
                System.err.println(key + " -> " + results.get(key));
            }
        }
        int endpointsOfLast = sizes.get(sizes.size() - 1)[1];
        for (String variant : List.of("nftables", "iptables-legacy")) {
            String key = variant + "@" + latencySmall + "x" + endpointsOfLast;
            results.put(key, runCase(variant, latencySmall, endpointsOfLast, timeout));
            System.err.println(key + " -> " + results.get(key));
        }

        String section = NftablesBenchmarkReport.section(started, machine, sizes, nftCap, latencySmall, results);
        System.out.println(section);
        if (write != null) {
            NftablesBenchmarkReport.replaceSection(write, section);
        }
    }

    /** A fresh node namespace and probe pod, one benchmark JVM inside, then both namespaces deleted. */
    static Outcome runCase(String variant, int services, int endpoints, Duration timeout) throws Exception {
        deleteNamespaces();
        Process server = null;
        Path log = SHIMS.resolve(variant + ".log");
        Files.deleteIfExists(log);
        try {
            run("ip", "netns", "add", NODE_NS);
            run("ip", "netns", "add", POD_NS);
            run("ip", "-n", NODE_NS, "link", "set", "lo", "up");
            run("ip", "-n", POD_NS, "link", "set", "lo", "up");
            run("ip", "link", "add", "vnb0", "netns", NODE_NS, "type", "veth", "peer", "name", "eth0", "netns", POD_NS);
            run("ip", "-n", NODE_NS, "addr", "add", "10.250.0.1/24", "dev", "vnb0");
            run("ip", "-n", NODE_NS, "link", "set", "vnb0", "up");
            run("ip", "-n", POD_NS, "addr", "add", NftablesBenchmark.PROBE_POD_IP + "/24", "dev", "eth0");
            run("ip", "-n", POD_NS, "link", "set", "eth0", "up");
            run("ip", "-n", POD_NS, "route", "add", "default", "via", "10.250.0.1");
            // A route for the cluster IP before DNAT (the node has no default route otherwise): connect() must reach
            // the nat OUTPUT hook rather than fail with ENETUNREACH.
            run("ip", "-n", NODE_NS, "route", "add", "default", "via", NftablesBenchmark.PROBE_POD_IP);
            server = new ProcessBuilder("ip", "netns", "exec", POD_NS, "/usr/bin/python3", "-c", """
                    import socket
                    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(("0.0.0.0", %d)); s.listen(4096); print("SERVING", flush=True)
                    while True:
                        c, _ = s.accept(); c.close()
                    """.formatted(NftablesBenchmark.PROBE_PORT)).redirectErrorStream(true).start();
            String ready = new String(server.getInputStream().readNBytes(8), StandardCharsets.UTF_8);
            if (!ready.startsWith("SERVING")) {
                return new Outcome(Map.of(), "probe server did not start: " + ready);
            }

            String backend = variant.startsWith("iptables") ? "iptables" : "nftables";
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", NODE_NS, "env",
                    "PATH=" + SHIMS.resolve(variant) + ":" + System.getenv("PATH"),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms1g", "-Xmx6g",
                    "-cp", System.getProperty("java.class.path"), NftablesBenchmark.class.getName(),
                    backend, Integer.toString(services), Integer.toString(endpoints), log.toString()));
            Path output = Files.createTempFile("slnb-case", ".log");
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(timeout.toMinutes(), TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Outcome(Map.of(), "stopped after " + timeout.toMinutes() + " min");
            }
            String text = Files.readString(output);
            for (String line : text.split("\n")) {
                if (line.startsWith("RESULT ")) {
                    Map<String, String> values = new LinkedHashMap<>();
                    for (String kv : line.substring("RESULT ".length()).split(" ")) {
                        int eq = kv.indexOf('=');
                        values.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    return new Outcome(values, null);
                }
            }
            String tail = text.length() > 2000 ? text.substring(text.length() - 2000) : text;
            return new Outcome(Map.of(), "exit " + p.exitValue() + ": " + tail.strip().replace('\n', ' '));
        } finally {
            if (server != null) {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
            }
            deleteNamespaces();
        }
    }

    /**
     * Per variant a directory put first on the benchmark JVM's PATH: {@code iptables}/{@code ip6tables} name the
     * variant (Sluice's iptables backend picks the variant {@code iptables --version} reports in an empty
     * namespace, as kubelet's iptables-wrapper does) and the tools that receive transactions log their size and
     * their own run time before handing the input to the real binary.
     */
    static void installShims() throws IOException {
        Files.createDirectories(SHIMS);
        for (String variant : VARIANTS) {
            Path dir = Files.createDirectories(SHIMS.resolve(variant));
            Path log = SHIMS.resolve(variant + ".log");
            if (variant.equals("nftables")) {
                shim(dir, "nft", which("nft"), log);
            } else {
                String suffix = variant.substring("iptables-".length());
                for (String base : List.of("iptables", "ip6tables")) {
                    Path link = dir.resolve(base);
                    Files.deleteIfExists(link);
                    Files.createSymbolicLink(link, Path.of(which(base + "-" + suffix)));
                    shim(dir, base + "-" + suffix + "-restore", which(base + "-" + suffix + "-restore"), log);
                }
            }
        }
    }

    private static void shim(Path dir, String name, String real, Path log) throws IOException {
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        Files.writeString(file, """
                #!/bin/bash
                # Benchmark shim: logs "tool lines bytes tool_ms exit" for every transaction read from stdin.
                real=%s
                for a in "$@"; do
                  case "$a" in --version|-V|--help|-h) exec "$real" "$@";; esac
                done
                kind=%s
                if [ "$kind" = nft ]; then
                  stdin=0
                  for a in "$@"; do [ "$a" = - ] && stdin=1; [ "$a" = -c ] || [ "$a" = --check ] && kind="nft(check)"; done
                  [ $stdin = 1 ] || exec "$real" "$@"
                fi
                tmp=$(mktemp /dev/shm/slnb.XXXXXX)
                cat > "$tmp"
                start=$(date +%%s%%N)
                "$real" "$@" < "$tmp"
                rc=$?
                end=$(date +%%s%%N)
                echo "$kind $(wc -l < "$tmp") $(stat -c %%s "$tmp") $(( (end - start) / 1000000 )) $rc" >> %s
                rm -f "$tmp"
                exit $rc
                """.formatted(real, name, log));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String which(String tool) throws IOException {
        for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool).toString();
            }
        }
        throw new IOException("missing " + tool);
    }

    private static void deleteNamespaces() {
        for (String ns : List.of(NODE_NS, POD_NS)) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                quiet("ip", "netns", "pids", ns).lines()
                        .forEach(pid -> quiet("kill", "-9", pid.strip()));
                quiet("ip", "netns", "del", ns);
            }
        }
    }

    static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", argv) + " -> exit " + p.exitValue() + ": " + out);
        }
        return out;
    }

    private static String quiet(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Cores, memory, kernel, Java, tool versions and load: the machine the figures were measured on. */
    static String machine() throws IOException {
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        long kib = Long.parseLong(mem.split(" ")[1]);
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, Linux %s, Java %s, %s, %s, %s; the machine is "
                        + "shared (1-minute load average %s at the start, so wall times include waiting for a CPU)",
                Runtime.getRuntime().availableProcessors(), cpu, kib / 1024.0 / 1024.0,
                quiet("uname", "-r").strip(), System.getProperty("java.version"), quiet("nft", "--version").strip(),
                quiet("iptables-legacy", "--version").strip(), quiet("iptables-nft", "--version").strip(), load);
    }
}
