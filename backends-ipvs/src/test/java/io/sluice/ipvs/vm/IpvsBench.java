package io.sluice.ipvs.vm;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendProvider;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import io.sluice.ipvs.IpvsClient;
import io.sluice.ipvs.KernelIpvs;
import io.sluice.ipvs.RealServer;
import io.sluice.ipvs.VirtualServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The IPVS benchmark ({@code scripts/bench-ipvs.sh}, run inside the VM tier): for N virtual servers x 10 real servers
 * at a small and a large N it times
 * <ol>
 *   <li>programming them from empty through the netlink {@link IpvsClient} (one request per object),</li>
 *   <li>one endpoint change through netlink (delete one real server, add another),</li>
 *   <li>{@code ipvsadm-restore} of the same objects (reference),</li>
 *   <li>{@link ProxyBackend#sync} from empty of N ClusterIP services x 10 endpoints (IPVS + kube-ipvs0 + ipsets +
 *       iptables), and a partial sync after one endpoint change.</li>
 * </ol>
 * Prints the {@code ## IPVS} section of docs/benchmarks.md between {@code BEGIN IPVS BENCH} / {@code END IPVS BENCH}.
 * A warm-up round at the small N runs first and is not reported. Only for the VM: it flushes IPVS. Usage: {@code IpvsBench SMALL_N LARGE_N}.
 */
public final class IpvsBench {
    private static final int RS_PER_VS = 10;

    private IpvsBench() {
    }

    public static void main(String[] args) throws Exception {
        if (!"1".equals(System.getenv("SLUICE_VM"))) {
            System.err.println("IpvsBench flushes IPVS: run it through scripts/bench-ipvs.sh (inside the VM)");
            System.exit(2);
        }
        int small = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int large = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
        Sh.run("modprobe", "-a", "ip_vs", "ip_vs_rr", "dummy");
        // Warm-up (not reported): JIT compilation and the backend's one-time setup (sysctls, modules, first
        // processes) would otherwise land in the small size's numbers and flatten the ratios.
        log("warm-up at size " + small);
        netlinkFromEmpty(small);
        flush();
        backendSyncs(small);
        Map<String, double[]> rows = new LinkedHashMap<>();
        int[] sizes = {small, large};
        for (int s = 0; s < 2; s++) {
            int n = sizes[s];
            log("size " + n + " x " + RS_PER_VS);
            put(rows, "netlink `IpvsClient`: program N virtual servers x 10 real servers from empty", s,
                    netlinkFromEmpty(n));
            put(rows, "netlink `IpvsClient`: one endpoint change at that size (delete + add a real server)", s,
                    netlinkEndpointChange(n));
            flush();
            put(rows, "`ipvsadm -R` (what `ipvsadm-restore` runs) of the same objects: reference, one process", s, ipvsadmRestore(n));
            flush();
            double[] backend = backendSyncs(n);
            put(rows, "`IpvsBackend` full sync from empty: N ClusterIP services x 10 endpoints "
                    + "(IPVS, kube-ipvs0, ipsets, iptables)", s, backend[0]);
            put(rows, "`IpvsBackend` partial sync after one endpoint change at that size", s, backend[1]);
        }
        print(rows, small, large);
    }

    private static void put(Map<String, double[]> rows, String name, int sizeIndex, double seconds) {
        rows.computeIfAbsent(name, k -> new double[2])[sizeIndex] = seconds;
        log(String.format(Locale.ROOT, "%-100s %s", name, cell(seconds)));
    }

    private static IpvsClient open() throws Exception {
        return KernelIpvs.netlink(new ProcessCommandRunner()).openClient();
    }

    private static double netlinkFromEmpty(int n) throws Exception {
        flush();
        try (IpvsClient ipvs = open()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                VirtualServer vs = vs(i);
                ipvs.addVirtualServer(vs);
                for (int k = 0; k < RS_PER_VS; k++) {
                    ipvs.addRealServer(vs.key(), RealServer.of(pod(i * RS_PER_VS + k), 8080));
                }
            }
            double s = seconds(t0);
            int found = ipvs.virtualServers().size();
            if (found != n) {
                throw new IllegalStateException("expected " + n + " virtual servers, kernel has " + found);
            }
            return s;
        }
    }

    /** On the state netlinkFromEmpty left: the middle service loses one real server and gains a new one. */
    private static double netlinkEndpointChange(int n) throws Exception {
        try (IpvsClient ipvs = open()) {
            VirtualServer vs = vs(n / 2);
            long t0 = System.nanoTime();
            ipvs.deleteRealServer(vs.key(), RealServer.of(pod((n / 2) * RS_PER_VS), 8080));
            ipvs.addRealServer(vs.key(), RealServer.of(pod(n * RS_PER_VS + 1), 8080));
            return seconds(t0);
        }
    }

    /** Longest the ipvsadm reference may run: `ipvsadm -R` slows down with every service already in the kernel. */
    private static final long RESTORE_CAP_SECONDS = 150;

    /**
     * {@code ipvsadm -R} (what the ipvsadm-restore wrapper runs after {@code ipvsadm -C}) of the same objects.
     * Returns the seconds, or minus the objects programmed when it was stopped at {@link #RESTORE_CAP_SECONDS}.
     */
    private static double ipvsadmRestore(int n) throws Exception {
        StringBuilder b = new StringBuilder(n * RS_PER_VS * 48);
        for (int i = 0; i < n; i++) {
            String v = vip(i) + ":80";
            b.append("-A -t ").append(v).append(" -s rr\n");
            for (int k = 0; k < RS_PER_VS; k++) {
                b.append("-a -t ").append(v).append(" -r ").append(pod(i * RS_PER_VS + k)).append(":8080 -m -w 1\n");
            }
        }
        Path input = Files.createTempFile("ipvs-bench-", ".txt");
        Files.writeString(input, b);
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("ipvsadm", "-R").redirectInput(input.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            if (!p.waitFor(RESTORE_CAP_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                long lines = Sh.run("ipvsadm", "-Ln").lines()
                        .filter(l -> l.startsWith("TCP") || l.strip().startsWith("->") && !l.contains("RemoteAddress"))
                        .count();
                return -Math.max(1, lines);
            }
            double s = seconds(t0);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("ipvsadm -R exited " + p.exitValue());
            }
            return s;
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private static double[] backendSyncs(int n) throws Exception {
        BackendProvider provider = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("ipvs")).findFirst().orElseThrow();
        ProxyConfig config = ProxyConfig.defaults(VmCluster.NODE).withMode("ipvs");
        try (ProxyBackend backend = provider.create(new BackendContext(config, null, null, null, null))) {
            backend.cleanup();
            TreeMap<ServicePortName, ServicePort> services = new TreeMap<>();
            TreeMap<ServicePortName, List<Endpoint>> endpoints = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                ServicePortName name = ServicePortName.of("bench", "svc-" + i, "p", Protocol.TCP);
                services.put(name, new ServicePort(name, ServiceType.ClusterIP, List.of(vip(i)), 80, 0, List.of(),
                        List.of(), List.of(), TrafficPolicy.Cluster, TrafficPolicy.Cluster, SessionAffinity.NONE, 0,
                        ""));
                List<Endpoint> eps = new ArrayList<>();
                for (int k = 0; k < RS_PER_VS; k++) {
                    eps.add(Endpoint.ready(pod(i * RS_PER_VS + k), 8080));
                }
                endpoints.put(name, eps);
            }
            NodeInfo node = new NodeInfo(VmCluster.NODE, List.of("192.168.60.2"), new TreeMap<>(), false);
            long t0 = System.nanoTime();
            backend.sync(SyncRequest.full(new ProxySnapshot(services, endpoints, node)));
            double full = seconds(t0);

            ServicePortName changed = ServicePortName.of("bench", "svc-" + n / 2, "p", Protocol.TCP);
            List<Endpoint> eps = new ArrayList<>(endpoints.get(changed));
            eps.set(0, Endpoint.ready(pod(n * RS_PER_VS + 1), 8080));
            endpoints.put(changed, eps);
            long t1 = System.nanoTime();
            backend.sync(new SyncRequest(new ProxySnapshot(services, endpoints, node), Set.of(changed.service()),
                    false));
            double partial = seconds(t1);
            backend.cleanup();
            return new double[] {full, partial};
        }
    }

    private static void flush() {
        Sh.run("ipvsadm", "-C");
    }

    private static VirtualServer vs(int i) {
        return new VirtualServer(vip(i), Protocol.TCP, 80, "rr", 0, 0);
    }

    /** Virtual server i: 10.96.0.0/12 (room for a million). */
    private static String vip(int i) {
        return "10." + (96 + (i >> 16)) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    }

    /** Pod j: 10.128.0.0/9. */
    private static String pod(int j) {
        return "10." + (128 + (j >> 16)) + "." + ((j >> 8) & 0xff) + "." + (j & 0xff);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void log(String s) {
        System.err.println("bench: " + s);
    }

    /** Seconds, or for a run stopped at the cap (negative: objects done) "> cap s (k objects done)". */
    private static String cell(double v) {
        if (v >= 0) {
            return String.format(Locale.ROOT, "%.3f s", v);
        }
        return String.format(Locale.ROOT, "> %d s (stopped after %,d objects)", RESTORE_CAP_SECONDS, (long) -v);
    }

    private static void print(Map<String, double[]> rows, int small, int large) {
        StringBuilder b = new StringBuilder();
        b.append("BEGIN IPVS BENCH\n");
        b.append(String.format(Locale.ROOT, "| operation | N = %,d | N = %,d | ratio (ideal %.0f) |%n", small, large,
                (double) large / small));
        b.append("|---|---:|---:|---:|\n");
        for (Map.Entry<String, double[]> e : rows.entrySet()) {
            double[] v = e.getValue();
            b.append("| ").append(e.getKey()).append(" | ").append(cell(v[0])).append(" | ").append(cell(v[1]))
                    .append(" | ").append(v[0] > 0 && v[1] > 0 ? String.format(Locale.ROOT, "%.1f", v[1] / v[0])
                            : "-").append(" |\n");
        }
        b.append("END IPVS BENCH\n");
        b.append("measured on ").append(LocalDate.now(ZoneOffset.UTC)).append('\n');
        System.out.print(b);
    }
}
