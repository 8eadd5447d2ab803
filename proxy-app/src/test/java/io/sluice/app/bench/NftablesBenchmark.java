package io.sluice.app.bench;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendProvider;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.config.KubeProxyConfigurationLoader;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.synthetic.SyntheticCluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * One benchmark case, run by {@link NftablesBenchmarkDriver} inside a fresh network namespace (never the host's):
 * a backend ({@code nftables}, or {@code iptables} with the variant the driver pins through {@code PATH}) syncs a
 * {@link SyntheticCluster} plus one probe Service whose endpoint is a real listener, then
 * <ol>
 *   <li>a full sync from empty (wall time of {@link ProxyBackend#sync}, rendering included),</li>
 *   <li>five partial syncs, each moving one endpoint of one Service (median wall time),</li>
 *   <li>first-packet latency to the probe Service, the last one kube-proxy's iptables mode matches
 *       (KUBE-SERVICES is walked rule by rule; nftables mode looks the destination up in the {@code service-ips}
 *       verdict map): TCP connect times from the node itself, each a new conntrack entry, so every SYN traverses
 *       the NAT chains.</li>
 * </ol>
 * Transaction sizes come from the {@code PATH} shims the driver installs (they log what each {@code nft -f -} or
 * {@code *-restore} received). Prints one {@code RESULT key=value ...} line.
 *
 * <p>Usage: {@code NftablesBenchmark BACKEND SERVICES ENDPOINTS SHIM_LOG}
 */
public final class NftablesBenchmark {
    /** The probe Service sorts after every synthetic one (namespaces {@code ns-N}), so iptables mode matches it last. */
    static final String PROBE_NAMESPACE = "zz-bench";
    static final String PROBE_CLUSTER_IP = "10.111.255.10";
    static final String PROBE_POD_IP = "10.250.0.2";
    static final int PROBE_PORT = 8080;
    private static final int PARTIAL_SYNCS = 5;
    private static final int CONNECTS = 1500;
    private static final int WARMUP_CONNECTS = 200;

    private NftablesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String backendName = args[0];
        int services = Integer.parseInt(args[1]);
        int endpoints = Integer.parseInt(args[2]);
        Path shimLog = Path.of(args[3]);

        ProxyConfig config = new KubeProxyConfigurationLoader().parse("""
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                kind: KubeProxyConfiguration
                mode: %s
                hostnameOverride: %s
                clusterCIDR: 10.128.0.0/9
                detectLocalMode: ClusterCIDR
                """.formatted(backendName, SyntheticCluster.NODE_NAME), SyntheticCluster.NODE_NAME);
        BackendProvider provider = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(backendName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend " + backendName));
        List<String> out = new ArrayList<>();
        try (ProxyBackend backend = provider.create(new BackendContext(config, null, null, null, null))) {
            SyntheticCluster cluster = SyntheticCluster.generate(services, endpoints, 1);

            int mark = shimLines(shimLog);
            long t0 = System.nanoTime();
            SyncResult full = backend.sync(SyncRequest.full(withProbe(cluster.snapshot())));
            long fullNanos = System.nanoTime() - t0;
            out.add("full_ms=" + ms(fullNanos));
            out.add("full_tx=" + transactions(shimLog, mark));
            out.add("full_reported=" + full.bytesWritten());

            long[] partial = new long[PARTIAL_SYNCS];
            List<String> partialTx = new ArrayList<>();
            boolean allPartial = true;
            for (int k = 0; k < PARTIAL_SYNCS; k++) {
                int index = (int) ((long) services * (2 * k + 1) / (2 * PARTIAL_SYNCS));
                cluster = cluster.withEndpointChanged(index, 0);
                mark = shimLines(shimLog);
                long t1 = System.nanoTime();
                SyncResult r = backend.sync(new SyncRequest(withProbe(cluster.snapshot()), Set.of(cluster.service(index)),
                        false));
                partial[k] = System.nanoTime() - t1;
                allPartial &= !r.fullSync();
                partialTx.add(transactions(shimLog, mark));
            }
            long[] sorted = partial.clone();
            Arrays.sort(sorted);
            int median = 0;
            while (partial[median] != sorted[PARTIAL_SYNCS / 2]) {
                median++;
            }
            out.add("partial_ms=" + ms(partial[median]));
            out.add("partial_all_ms=" + String.join("/", Arrays.stream(partial).mapToObj(NftablesBenchmark::ms).toList()));
            out.add("partial_tx=" + partialTx.get(median));
            out.add("partial_was_partial=" + allPartial);

            long[] latency = connectTimes();
            out.add("connect_median_us=" + us(latency[latency.length / 2]));
            out.add("connect_p90_us=" + us(latency[latency.length * 9 / 10]));
        }
        System.out.println("RESULT " + String.join(" ", out));
    }

    /** The synthetic snapshot plus the probe Service (ClusterIP, one remote endpoint: the listener the driver started). */
    static ProxySnapshot withProbe(ProxySnapshot s) {
        ServicePortName name = ServicePortName.of(PROBE_NAMESPACE, "last", "http", io.sluice.core.model.Protocol.TCP);
        TreeMap<ServicePortName, ServicePort> services = new TreeMap<>(s.services());
        services.put(name, new ServicePort(name, io.sluice.core.model.ServiceType.ClusterIP, List.of(PROBE_CLUSTER_IP),
                80, 0, List.of(), List.of(), List.of(), io.sluice.core.model.TrafficPolicy.Cluster,
                io.sluice.core.model.TrafficPolicy.Cluster, io.sluice.core.model.SessionAffinity.NONE, 0, ""));
        TreeMap<ServicePortName, List<Endpoint>> endpoints = new TreeMap<>(s.endpoints());
        endpoints.put(name, List.of(Endpoint.ready(PROBE_POD_IP, PROBE_PORT).withNodeName("node-1")));
        return new ProxySnapshot(services, endpoints, s.node());
    }

    /** Sorted TCP connect times (ns) to the probe's cluster IP, after a warm-up; every connect is a new flow. */
    private static long[] connectTimes() throws IOException {
        InetSocketAddress target = new InetSocketAddress(PROBE_CLUSTER_IP, 80);
        long[] times = new long[CONNECTS];
        for (int i = -WARMUP_CONNECTS; i < CONNECTS; i++) {
            try (Socket s = new Socket()) {
                s.setSoLinger(true, 0); // RST on close: no TIME_WAIT pile-up over thousands of connections
                long t = System.nanoTime();
                s.connect(target, 5000);
                long d = System.nanoTime() - t;
                if (i >= 0) {
                    times[i] = d;
                }
            }
        }
        Arrays.sort(times);
        return times;
    }

    private static int shimLines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).size() : 0;
    }

    /**
     * The transactions logged since line {@code from}: {@code tool:lines:bytes:tool_ms} joined by {@code ,} (check-only
     * runs such as {@code nft -c} are marked {@code tool(check)}).
     */
    private static String transactions(Path log, int from) throws IOException {
        if (!Files.exists(log)) {
            return "none";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String l : lines.subList(Math.min(from, lines.size()), lines.size())) {
            out.add(l.strip().replace(' ', ':'));
        }
        return out.isEmpty() ? "none" : String.join(",", out);
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String us(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e3);
    }
}
