package io.sluice.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.core.backend.BackendMetrics;
import io.sluice.core.model.IpFamily;
import io.sluice.core.source.InvalidObjectListener;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Sluice's metrics over one Micrometer {@link PrometheusMeterRegistry}.
 *
 * <p>The {@code kubeproxy_*} families carry exactly kube-proxy's names, types, labels, HELP texts and histogram buckets
 * ({@code pkg/proxy/metrics/metrics.go}). They are registered as Prometheus client metrics in the registry's own
 * {@link PrometheusRegistry} rather than as Micrometer meters, because Micrometer's Prometheus naming would change
 * them: a Timer adds a {@code _max} gauge family, service-level objectives refuse kube-proxy's leading {@code le="0"}
 * bucket (component-base's {@code MergeBuckets} starts with 0), and gauges lose a trailing {@code _total}. The
 * {@code sluice_*} counters are ordinary Micrometer counters. {@link #scrape()} returns all of them.
 *
 * <p>Series labelled {@code ip_family} are created at zero for every family given to the constructor, so dashboards
 * see them before the first sync. Thread-safe: every method may be called from any thread.
 */
public final class ProxyMetrics implements BackendMetrics, InvalidObjectListener {

    /** The content type of {@link #scrape()}: Prometheus text exposition 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** {@code ExponentialBuckets(0.001, 2, 15)}: 1 ms … 16.384 s. */
    public static final double[] SYNC_DURATION_BUCKETS = exponential(0.001, 2, 15);

    /**
     * {@code MergeBuckets(Linear(0.25,0.25,2), Linear(1,1,59), Linear(60,5,12), Linear(120,30,7))}; MergeBuckets
     * starts from a zero-length-1 slice, hence the leading 0.
     */
    public static final double[] NETWORK_PROGRAMMING_BUCKETS = merge(
            linear(0.25, 0.25, 2), linear(1, 1, 59), linear(60, 5, 12), linear(120, 30, 7));

    private static final String IP_FAMILY = "ip_family";

    private final PrometheusMeterRegistry registry;
    private final Histogram syncDuration;
    private final Histogram syncFullDuration;
    private final Histogram syncPartialDuration;
    private final Gauge lastTimestamp;
    private final Gauge lastQueuedTimestamp;
    private final Histogram networkProgramming;
    private final Gauge endpointChangesPending;
    private final io.prometheus.metrics.core.metrics.Counter endpointChangesTotal;
    private final Gauge serviceChangesPending;
    private final io.prometheus.metrics.core.metrics.Counter serviceChangesTotal;
    private final io.prometheus.metrics.core.metrics.Counter restoreFailures;
    private final io.prometheus.metrics.core.metrics.Counter partialRestoreFailures;
    private final Gauge iptablesTotal;
    private final Gauge iptablesLast;
    private final Gauge noLocalEndpoints;
    private final io.prometheus.metrics.core.metrics.Counter healthz;
    private final io.prometheus.metrics.core.metrics.Counter livez;
    private final java.util.Map<String, java.util.function.LongSupplier> nfacctReaders =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A fresh registry, series pre-created for IPv4. */
    public ProxyMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(IpFamily.IPv4));
    }

    /**
     * @param registry the registry to register into (must not already hold these families)
     * @param families the families whose {@code ip_family} series are created at zero
     */
    public ProxyMetrics(PrometheusMeterRegistry registry, List<IpFamily> families) {
        this.registry = Objects.requireNonNull(registry, "registry");
        PrometheusRegistry pr = registry.getPrometheusRegistry();
        syncDuration = histogram(pr, MetricNames.SYNC_PROXY_RULES_DURATION,
                "SyncProxyRules latency in seconds", SYNC_DURATION_BUCKETS);
        syncFullDuration = histogram(pr, MetricNames.SYNC_FULL_PROXY_RULES_DURATION,
                "SyncProxyRules latency in seconds for full resyncs", SYNC_DURATION_BUCKETS);
        syncPartialDuration = histogram(pr, MetricNames.SYNC_PARTIAL_PROXY_RULES_DURATION,
                "SyncProxyRules latency in seconds for partial resyncs", SYNC_DURATION_BUCKETS);
        lastTimestamp = gauge(pr, MetricNames.SYNC_PROXY_RULES_LAST_TIMESTAMP,
                "The last time proxy rules were successfully synced", IP_FAMILY);
        lastQueuedTimestamp = gauge(pr, MetricNames.SYNC_PROXY_RULES_LAST_QUEUED_TIMESTAMP,
                "The last time a sync of proxy rules was queued", IP_FAMILY);
        networkProgramming = histogram(pr, MetricNames.NETWORK_PROGRAMMING_DURATION,
                "In Cluster Network Programming Latency in seconds", NETWORK_PROGRAMMING_BUCKETS);
        endpointChangesPending = gauge(pr, MetricNames.ENDPOINT_CHANGES_PENDING,
                "Pending proxy rules Endpoint changes");
        endpointChangesTotal = counter(pr, MetricNames.ENDPOINT_CHANGES_TOTAL,
                "Cumulative proxy rules Endpoint changes");
        serviceChangesPending = gauge(pr, MetricNames.SERVICE_CHANGES_PENDING,
                "Pending proxy rules Service changes");
        serviceChangesTotal = counter(pr, MetricNames.SERVICE_CHANGES_TOTAL,
                "Cumulative proxy rules Service changes");
        restoreFailures = counter(pr, MetricNames.IPTABLES_RESTORE_FAILURES_TOTAL,
                "Cumulative proxy iptables restore failures", IP_FAMILY);
        partialRestoreFailures = counter(pr, MetricNames.IPTABLES_PARTIAL_RESTORE_FAILURES_TOTAL,
                "Cumulative proxy iptables partial restore failures", IP_FAMILY);
        iptablesTotal = gauge(pr, MetricNames.IPTABLES_TOTAL,
                "Total number of iptables rules owned by kube-proxy", "table", IP_FAMILY);
        iptablesLast = gauge(pr, MetricNames.IPTABLES_LAST,
                "Number of iptables rules written by kube-proxy in last sync", "table", IP_FAMILY);
        noLocalEndpoints = gauge(pr, MetricNames.NO_LOCAL_ENDPOINTS_TOTAL,
                "Number of services with a Local traffic policy and no endpoints", "traffic_policy", IP_FAMILY);
        healthz = counter(pr, MetricNames.PROXY_HEALTHZ_TOTAL, "Cumulative proxy healthz HTTP status", "code");
        livez = counter(pr, MetricNames.PROXY_LIVEZ_TOTAL, "Cumulative proxy livez HTTP status", "code");
        pr.register(new NfacctCollector(MetricNames.IPTABLES_CT_STATE_INVALID_DROPPED_PACKETS_TOTAL,
                "packets dropped by iptables to work around conntrack problems", "ct_state_invalid_dropped_pkts"));
        pr.register(new NfacctCollector(MetricNames.IPTABLES_LOCALHOST_NODEPORTS_ACCEPTED_PACKETS_TOTAL,
                "Number of packets accepted on nodeports of loopback interface", "localhost_nps_accepted_pkts"));
        for (IpFamily f : families) {
            String fam = f.name();
            syncDuration.labelValues(fam);
            syncFullDuration.labelValues(fam);
            syncPartialDuration.labelValues(fam);
            networkProgramming.labelValues(fam);
            lastTimestamp.labelValues(fam);
            lastQueuedTimestamp.labelValues(fam);
            restoreFailures.labelValues(fam);
            partialRestoreFailures.labelValues(fam);
        }
    }

    @Override
    public void invalidObject(String kind, String object, String reason) {
        invalid(kind, object, reason);
    }

    @Override
    public void nfacctCounter(String counter, java.util.function.LongSupplier packets) {
        nfacctReaders.put(counter, packets);
    }

    /** kube-proxy's nfacct metrics: custom collectors that read the kernel counter when scraped. */
    private final class NfacctCollector implements io.prometheus.metrics.model.registry.Collector {
        private final String name;
        private final String help;
        private final String counter;

        NfacctCollector(String name, String help, String counter) {
            this.name = name;
            this.help = help;
            this.counter = counter;
        }

        @Override
        public io.prometheus.metrics.model.snapshots.MetricSnapshot collect() {
            var b = io.prometheus.metrics.model.snapshots.CounterSnapshot.builder()
                    .name(name.substring(0, name.length() - "_total".length())).help(help);
            java.util.function.LongSupplier reader = nfacctReaders.get(counter);
            long packets = reader == null ? -1 : reader.getAsLong();
            if (packets >= 0) {
                b.dataPoint(io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot.builder()
                        .value(packets).build());
            }
            return b.build();
        }

        @Override
        public String getPrometheusName() {
            return name.substring(0, name.length() - "_total".length());
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition (format 0.0.4, see {@link #CONTENT_TYPE}) of every registered metric. */
    public String scrape() {
        return registry.scrape(CONTENT_TYPE);
    }

    // ---- recorded by the sync engine ----

    /**
     * One successful sync took {@code duration}: observed in {@code sync_proxy_rules_duration_seconds} and in the full
     * or partial histogram.
     */
    public void syncDuration(IpFamily family, Duration duration, boolean fullSync) {
        double s = seconds(duration);
        syncDuration.labelValues(family.name()).observe(s);
        (fullSync ? syncFullDuration : syncPartialDuration).labelValues(family.name()).observe(s);
    }

    /** {@code sync_proxy_rules_last_timestamp_seconds}: set after each successful sync. */
    public void lastSyncTimestamp(IpFamily family, Instant at) {
        lastTimestamp.labelValues(family.name()).set(epochSeconds(at));
    }

    /** {@code sync_proxy_rules_last_queued_timestamp_seconds}: set when a sync is requested. */
    public void lastQueuedTimestamp(IpFamily family, Instant at) {
        lastQueuedTimestamp.labelValues(family.name()).set(epochSeconds(at));
    }

    /** One endpoint change reached the kernel {@code latency} after its trigger time. Negative values are dropped. */
    public void networkProgramming(IpFamily family, Duration latency) {
        if (!latency.isNegative()) {
            networkProgramming.labelValues(family.name()).observe(seconds(latency));
        }
    }

    /** The pending gauges: changes received but not yet synced. */
    public void changesPending(long services, long endpoints) {
        serviceChangesPending.set(services);
        endpointChangesPending.set(endpoints);
    }

    /** Adds to the cumulative change counters; non-positive deltas are ignored (counters never go down). */
    public void changesReceived(long services, long endpoints) {
        if (services > 0) {
            serviceChangesTotal.inc(services);
        }
        if (endpoints > 0) {
            endpointChangesTotal.inc(endpoints);
        }
    }

    /** {@code proxy_healthz_total{code}}. */
    public void healthzResponse(int code) {
        healthz.labelValues(Integer.toString(code)).inc();
    }

    /** {@code proxy_livez_total{code}}. */
    public void livezResponse(int code) {
        livez.labelValues(Integer.toString(code)).inc();
    }

    // ---- BackendMetrics ----

    @Override
    public void restoreFailure(IpFamily family) {
        restoreFailures.labelValues(family.name()).inc();
    }

    @Override
    public void partialRestoreFailure(IpFamily family) {
        partialRestoreFailures.labelValues(family.name()).inc();
    }

    @Override
    public void iptablesRules(String table, IpFamily family, long total, long last) {
        iptablesTotal.labelValues(table, family.name()).set(total);
        iptablesLast.labelValues(table, family.name()).set(last);
    }

    @Override
    public void noLocalEndpoints(String trafficPolicy, IpFamily family, long count) {
        noLocalEndpoints.labelValues(trafficPolicy, family.name()).set(count);
    }

    @Override
    public void backendError(String backend, String operation) {
        Counter.builder("sluice.backend.errors")
                .description("Kernel operations of a backend that failed for one object (e.g. one netlink request)")
                .tag("backend", backend)
                .tag("operation", operation)
                .register(registry)
                .increment();
    }

    @Override
    public void nftablesSyncFailure(IpFamily family) {
        Counter.builder("kubeproxy.sync.proxy.rules.nftables.sync.failures")
                .description("Cumulative proxy nftables sync failures")
                .tag("ip_family", family.name())
                .register(registry)
                .increment();
    }

    @Override
    public void nftablesCleanupFailure(IpFamily family) {
        Counter.builder("kubeproxy.sync.proxy.rules.nftables.cleanup.failures")
                .description("Cumulative proxy nftables cleanup failures")
                .tag("ip_family", family.name())
                .register(registry)
                .increment();
    }

    // ---- InvalidObjectListener ----

    /** Counts {@code sluice_invalid_objects_total{kind,reason}}; the object name is not a label (cardinality). */
    @Override
    public void invalid(String kind, String object, String reason) {
        Counter.builder("sluice.invalid.objects")
                .description("Objects (or parts of objects) rejected as invalid and ignored")
                .tag("kind", kind)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    // ---- helpers ----

    private static Histogram histogram(PrometheusRegistry pr, String name, String help, double[] buckets) {
        return Histogram.builder().name(name).help(help).labelNames(IP_FAMILY)
                .classicOnly().classicUpperBounds(buckets).withoutExemplars().register(pr);
    }

    private static Gauge gauge(PrometheusRegistry pr, String name, String help, String... labels) {
        return Gauge.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(pr);
    }

    private static io.prometheus.metrics.core.metrics.Counter counter(PrometheusRegistry pr, String name, String help,
                                                                      String... labels) {
        return io.prometheus.metrics.core.metrics.Counter.builder().name(name).help(help).labelNames(labels)
                .withoutExemplars().register(pr);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static double epochSeconds(Instant at) {
        return at.getEpochSecond() + at.getNano() / 1e9;
    }

    /** Prometheus' {@code ExponentialBuckets}: start, start×factor, … (count values), multiplied step by step. */
    static double[] exponential(double start, double factor, int count) {
        double[] out = new double[count];
        double v = start;
        for (int i = 0; i < count; i++) {
            out[i] = v;
            v *= factor;
        }
        return out;
    }

    /** Prometheus' {@code LinearBuckets}: start, start+width, … (count values), added step by step. */
    static double[] linear(double start, double width, int count) {
        double[] out = new double[count];
        double v = start;
        for (int i = 0; i < count; i++) {
            out[i] = v;
            v += width;
        }
        return out;
    }

    /** component-base's {@code MergeBuckets}: a leading 0 followed by every slice in order. */
    static double[] merge(double[]... slices) {
        int n = 1;
        for (double[] s : slices) {
            n += s.length;
        }
        double[] out = new double[n];
        int i = 1;
        for (double[] s : slices) {
            System.arraycopy(s, 0, out, i, s.length);
            i += s.length;
        }
        return out;
    }
}
