package io.sluice.core.sync;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.health.ProxyHealth;
import io.sluice.core.metrics.ProxyMetrics;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

class SyncEngineTest {

    private final ManualTime time = new ManualTime();
    private final FakeChangeSource source = new FakeChangeSource();
    private final FakeBackend backend = new FakeBackend(time);
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final FullSyncRequests fullSyncRequests = new FullSyncRequests();
    private SyncEngine engine;

    private SyncEngine engine(boolean dryRun) {
        engine = SyncEngine.builder(source, backend)
                .metrics(metrics)
                .minSyncPeriod(ofSeconds(1))
                .syncPeriod(ofSeconds(30))
                .scheduler(time)
                .clock(time.clock())
                .fullSyncRequests(fullSyncRequests)
                .dryRun(dryRun)
                .build();
        engine.start();
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static double value(String scrape, String series) {
        for (String l : scrape.split("\n")) {
            if (l.startsWith(series + " ")) {
                return Double.parseDouble(l.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no series " + series + " in\n" + scrape);
    }

    private double metric(String series) {
        return value(metrics.scrape(), series);
    }

    private static Set<NamespacedName> names(String... nsSlashName) {
        return java.util.Arrays.stream(nsSlashName).map(s -> s.split("/"))
                .map(p -> new NamespacedName(p[0], p[1])).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void nothingIsSyncedBeforeTheSourceIsInitialized() {
        engine(false);
        source.serviceChanged("ns", "a");
        time.advance(ofSeconds(120));                   // several max-interval wakeups
        assertThat(backend.syncs).isEmpty();
        assertThat(source.drains).isZero();
        assertThat(engine.syncOnce()).isFalse();
    }

    @Test
    void firstSyncIsFullThenLaterSyncsArePartialWithTheChangedServices() {
        engine(false);
        source.serviceChanged("ns", "a");
        source.initialize();
        time.runDue();
        assertThat(backend.syncs).hasSize(1);
        assertThat(backend.syncs.get(0).fullSync()).isTrue();

        time.advance(ofSeconds(2));
        source.serviceChanged("ns", "b");
        source.endpointsChanged("ns", "c", null);
        time.runDue();
        assertThat(backend.syncs).hasSize(2);
        SyncRequest second = backend.syncs.get(1);
        assertThat(second.fullSync()).isFalse();
        assertThat(second.changedServices()).isEqualTo(names("ns/b", "ns/c"));
        assertThat(engine.lastSyncFull()).isFalse();
    }

    @Test
    void aFailedSyncIsRetriedWithAFullSync() {
        engine(false);
        source.initialize();
        time.runDue();
        backend.failNext = 1;
        time.advance(ofSeconds(2));
        source.serviceChanged("ns", "a");
        time.runDue();                                   // partial, fails
        assertThat(backend.syncs).hasSize(2);
        assertThat(backend.syncs.get(1).fullSync()).isFalse();
        assertThat(engine.failedSyncs()).isEqualTo(1);

        time.advance(ofSeconds(1));                      // retry after minSyncPeriod
        assertThat(backend.syncs).hasSize(3);
        assertThat(backend.syncs.get(2).fullSync()).isTrue();

        time.advance(ofSeconds(2));
        source.serviceChanged("ns", "b");
        time.runDue();
        assertThat(backend.syncs.get(3).fullSync()).isFalse();
    }

    @Test
    void aFullSyncHappensAtLeastHourly() {
        engine(false);
        source.initialize();
        time.runDue();
        time.advance(Duration.ofMinutes(59).plusSeconds(50));
        assertThat(backend.syncs).allSatisfy(r -> assertThat(r.fullSync()).isEqualTo(r == backend.syncs.get(0)));
        int before = backend.syncs.size();
        assertThat(before).isGreaterThan(100);           // periodic syncs every 30 s, all partial

        time.advance(ofSeconds(30));
        assertThat(backend.syncs.get(before).fullSync()).isTrue();
        time.advance(ofSeconds(30));
        assertThat(backend.syncs.get(before + 1).fullSync()).isFalse();
    }

    @Test
    void aNodeTopologyChangeOrABackendRequestForcesAFullSync() {
        engine(false);
        source.initialize();
        time.runDue();
        time.advance(ofSeconds(5));
        source.nodeChanged(new NodeInfo("node-a", List.of("10.0.0.1"), new TreeMap<>(), false));
        time.runDue();
        assertThat(backend.syncs.get(1).fullSync()).isTrue();

        time.advance(ofSeconds(5));
        fullSyncRequests.run();                          // e.g. the canary chain vanished
        time.runDue();
        assertThat(backend.syncs).hasSize(3);
        assertThat(backend.syncs.get(2).fullSync()).isTrue();

        time.advance(ofSeconds(5));
        source.serviceChanged("ns", "a");
        time.runDue();
        assertThat(backend.syncs.get(3).fullSync()).isFalse();
    }

    @Test
    void aBackendThatUpgradesToAFullSyncIsRecordedAsFull() {
        engine(false);
        source.initialize();
        time.runDue();
        backend.forceFullResult = true;
        time.advance(ofSeconds(5));
        source.serviceChanged("ns", "a");
        time.runDue();
        assertThat(engine.lastSyncFull()).isTrue();
        assertThat(metric("kubeproxy_sync_full_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}")).isEqualTo(2);
        assertThat(metric("kubeproxy_sync_partial_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}"))
                .isZero();
    }

    @Test
    void dryRunRendersAndNeverCallsSync() {
        engine(true);
        source.initialize();
        time.runDue();
        time.advance(ofSeconds(5));
        source.serviceChanged("ns", "a");
        time.advance(ofSeconds(100));
        assertThat(backend.syncs).isEmpty();
        assertThat(backend.renders).hasSizeGreaterThanOrEqualTo(2);
        assertThat(engine.lastRendered()).startsWith("*nat\n");
        assertThat(engine.health().isHealthy()).isTrue();
    }

    @Test
    void syncOnceReportsSuccessAndFailure() {
        engine = SyncEngine.builder(source, backend).metrics(metrics).scheduler(time).clock(time.clock()).build();
        source.initialize();
        assertThat(engine.syncOnce()).isTrue();
        backend.failNext = 1;
        assertThat(engine.syncOnce()).isFalse();
        assertThat(engine.syncOnce()).isTrue();
        assertThat(backend.syncs).extracting(SyncRequest::fullSync).containsExactly(true, false, true);
    }

    @Test
    void metricsAfterSyncs() {
        backend.takes = ofMillis(3);
        engine(false);
        source.initialize();
        time.runDue();                                   // full sync at t0, takes 3 ms

        time.advance(ofSeconds(10));
        Instant trigger = time.clock().instant().minusSeconds(2);
        source.serviceChanged("ns", "a");
        source.endpointsChanged("ns", "a", trigger);
        source.endpointsChanged("ns", "b", null);
        assertThat(metric("kubeproxy_sync_proxy_rules_service_changes_pending")).isEqualTo(1);
        assertThat(metric("kubeproxy_sync_proxy_rules_endpoint_changes_pending")).isEqualTo(2);
        Instant queuedAt = time.clock().instant();
        assertThat(metric("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{ip_family=\"IPv4\"}"))
                .isEqualTo(queuedAt.getEpochSecond() + queuedAt.getNano() / 1e9);

        time.runDue();                                   // partial sync, takes 3 ms
        String s = metrics.scrape();
        assertThat(value(s, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}")).isEqualTo(2);
        assertThat(value(s, "kubeproxy_sync_proxy_rules_duration_seconds_sum{ip_family=\"IPv4\"}"))
                .isEqualTo(0.006);
        assertThat(value(s, "kubeproxy_sync_full_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}"))
                .isEqualTo(1);
        assertThat(value(s, "kubeproxy_sync_partial_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}"))
                .isEqualTo(1);
        assertThat(value(s,
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.004\"}"))
                .isEqualTo(2);
        assertThat(value(s, "kubeproxy_sync_proxy_rules_service_changes_pending")).isZero();
        assertThat(value(s, "kubeproxy_sync_proxy_rules_endpoint_changes_pending")).isZero();
        assertThat(value(s, "kubeproxy_sync_proxy_rules_service_changes_total")).isEqualTo(1);
        assertThat(value(s, "kubeproxy_sync_proxy_rules_endpoint_changes_total")).isEqualTo(2);
        Instant end = queuedAt.plusMillis(3);
        assertThat(value(s, "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv4\"}"))
                .isEqualTo(end.getEpochSecond() + end.getNano() / 1e9);
        // trigger was 2 s before the queue time; the sync ended 3 ms later: 2.003 s → bucket le=3
        assertThat(value(s, "kubeproxy_network_programming_duration_seconds_count{ip_family=\"IPv4\"}"))
                .isEqualTo(1);
        assertThat(value(s, "kubeproxy_network_programming_duration_seconds_sum{ip_family=\"IPv4\"}"))
                .isEqualTo(2.003);
        assertThat(value(s,
                "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"2.0\"}")).isZero();
        assertThat(value(s,
                "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"3.0\"}")).isEqualTo(1);
    }

    @Test
    void triggerTimesOfAFailedSyncAreMeasuredAtTheNextSuccess() {
        engine(false);
        source.initialize();
        time.runDue();
        backend.failNext = 1;
        time.advance(ofSeconds(10));
        source.endpointsChanged("ns", "a", time.clock().instant());
        time.runDue();                                   // fails
        time.advance(ofSeconds(1));                      // retry succeeds 1 s later
        assertThat(metric("kubeproxy_network_programming_duration_seconds_sum{ip_family=\"IPv4\"}"))
                .isEqualTo(1.0);
    }

    @Test
    void healthGoesBadWhenSyncsKeepFailingAndRecoversAfterASuccess() {
        engine(false);
        source.initialize();
        time.runDue();
        ProxyHealth health = engine.health();
        assertThat(health.isHealthy()).isTrue();

        backend.failNext = 1_000;
        time.advance(ofSeconds(5));
        source.serviceChanged("ns", "a");
        time.advance(ofSeconds(59));
        assertThat(health.isHealthy()).isTrue();
        time.advance(ofSeconds(1));
        assertThat(health.isHealthy()).isFalse();

        backend.failNext = 0;
        time.advance(ofSeconds(30));                      // next retry (backoff capped at 30 s) succeeds
        assertThat(health.isHealthy()).isTrue();
    }

    @Test
    void healthGoesBadBeforeTheFirstSuccessfulSyncOnceTheInitialStateWaitedTwoSyncPeriods() {
        // kube-proxy's SyncLoop marks the family updated at start; the initial lists are a queued change.
        backend.failNext = 1_000;
        Instant started = time.clock().instant();
        engine(false);
        ProxyHealth health = engine.health();
        assertThat(health.isHealthy()).as("starting up, nothing queued").isTrue();

        source.initialize();
        time.advance(ofSeconds(59));
        assertThat(backend.syncs).as("retried with backoff").hasSizeGreaterThan(1);
        assertThat(health.isHealthy()).isTrue();
        time.advance(ofSeconds(1));                       // 2 x syncPeriod after the initial state was queued
        ProxyHealth.Status s = health.status();
        assertThat(s.healthy()).isFalse();
        assertThat(s.lastUpdated()).as("the SyncLoop stamp").isEqualTo(started);
        assertThat(metric("sluice_sync_errors_total{sync=\"full\"}")).isEqualTo(backend.syncs.size());
    }

    @Test
    void anErrorThrownBySyncEndsTheProcessInsteadOfKillingTheLoopSilently() {
        java.util.List<Integer> halts = new java.util.ArrayList<>();
        java.util.function.IntConsumer previous = io.sluice.core.lifecycle.Failures.replaceHalt(halts::add);
        try {
            engine(false);
            backend.errorNext = new OutOfMemoryError("Java heap space (test)");
            source.initialize();
            org.assertj.core.api.Assertions.assertThatThrownBy(time::runDue).isInstanceOf(OutOfMemoryError.class);
            assertThat(halts).containsExactly(io.sluice.core.lifecycle.Failures.EXIT_FATAL);
        } finally {
            io.sluice.core.lifecycle.Failures.replaceHalt(previous);
        }
    }

    @Test
    void aDeletingNodeMakesHealthzUnhealthyAfterTheNextSync() {
        engine(false);
        source.initialize();
        time.runDue();
        time.advance(ofSeconds(5));
        source.nodeChanged(new NodeInfo("node-a", List.of(), new TreeMap<>(), true));
        time.runDue();
        assertThat(engine.health().status().healthzOk()).isFalse();
        assertThat(engine.health().status().healthy()).isTrue();
    }

    @Test
    void closeStopsTheLoop() {
        engine(false);
        source.initialize();
        time.runDue();
        engine.close();
        engine.close();
        source.serviceChanged("ns", "a");
        time.advance(ofSeconds(100));
        assertThat(backend.syncs).hasSize(1);
    }

    @Test
    void ipFamiliesAreConfigurable() {
        engine = SyncEngine.builder(source, backend).metrics(new ProxyMetrics(
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(IpFamily.IPv4, IpFamily.IPv6)))
                .ipFamilies(List.of(IpFamily.IPv4, IpFamily.IPv6))
                .scheduler(time).clock(time.clock()).build();
        engine.start();
        source.initialize();
        time.runDue();
        String s = engine.metrics().scrape();
        assertThat(value(s, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv6\"}")).isEqualTo(1);
        assertThat(value(s, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}")).isEqualTo(1);
    }

    /**
     * kube-proxy runs one proxier per family and each records the latency of its own EndpointSlices' changes: on a
     * dual-stack node an IPv4 slice change is one observation under IPv4, not one per family.
     */
    @Test
    void dualStackRecordsEachChangesLatencyOnceUnderItsSlicesFamily() {
        engine = SyncEngine.builder(source, backend).metrics(new ProxyMetrics(
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(IpFamily.IPv4, IpFamily.IPv6)))
                .ipFamilies(List.of(IpFamily.IPv4, IpFamily.IPv6)).minSyncPeriod(ofSeconds(1))
                .scheduler(time).clock(time.clock()).build();
        engine.start();
        source.initialize();
        time.runDue();
        time.advance(ofSeconds(5));
        source.endpointsChanged("ns", "a", time.clock().instant(), IpFamily.IPv4);
        time.advance(ofSeconds(2));
        String s = engine.metrics().scrape();
        assertThat(value(s, "kubeproxy_network_programming_duration_seconds_count{ip_family=\"IPv4\"}"))
                .isEqualTo(1);
        assertThat(value(s, "kubeproxy_network_programming_duration_seconds_count{ip_family=\"IPv6\"}"))
                .isZero();
    }

    /** Durations and timestamps are recorded for the families the backend says it programmed. */
    @Test
    void syncMetricsFollowTheFamiliesTheBackendProgrammed() {
        backend.syncedFamilies = java.util.Set.of(IpFamily.IPv4);
        ipFamiliesAreConfigurableEngine();
        String s = engine.metrics().scrape();
        assertThat(value(s, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}")).isEqualTo(1);
        assertThat(value(s, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv6\"}")).isZero();
    }

    private void ipFamiliesAreConfigurableEngine() {
        engine = SyncEngine.builder(source, backend).metrics(new ProxyMetrics(
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(IpFamily.IPv4, IpFamily.IPv6)))
                .ipFamilies(List.of(IpFamily.IPv4, IpFamily.IPv6))
                .scheduler(time).clock(time.clock()).build();
        engine.start();
        source.initialize();
        time.runDue();
    }
}
