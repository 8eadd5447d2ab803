package io.sluice.core.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.core.model.IpFamily;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyMetricsTest {

    private final ProxyMetrics metrics = new ProxyMetrics();

    private static List<String> lines(String scrape, String prefix) {
        List<String> out = new ArrayList<>();
        for (String l : scrape.split("\n")) {
            if (l.startsWith(prefix)) {
                out.add(l);
            }
        }
        return out;
    }

    private static Set<String> typedFamilies(String scrape) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private void touchEverything() {
        metrics.syncDuration(IpFamily.IPv4, Duration.ofMillis(3), true);
        metrics.syncDuration(IpFamily.IPv4, Duration.ofMillis(3), false);
        metrics.lastSyncTimestamp(IpFamily.IPv4, Instant.ofEpochSecond(1_700_000_000));
        metrics.lastQueuedTimestamp(IpFamily.IPv4, Instant.ofEpochSecond(1_700_000_001));
        metrics.networkProgramming(IpFamily.IPv4, Duration.ofMillis(300));
        metrics.changesPending(2, 3);
        metrics.changesReceived(4, 5);
        metrics.restoreFailure(IpFamily.IPv4);
        metrics.partialRestoreFailure(IpFamily.IPv4);
        metrics.iptablesRules("nat", IpFamily.IPv4, 40, 12);
        metrics.noLocalEndpoints("internal", IpFamily.IPv4, 1);
        metrics.healthzResponse(200);
        metrics.livezResponse(503);
        metrics.invalid("Service", "ns/bad", "invalid-cluster-ip");
        metrics.backendError("ipvs", "add-real-server");
        metrics.nftablesSyncFailure(IpFamily.IPv4);
        metrics.nftablesCleanupFailure(IpFamily.IPv4);
        metrics.nfacctCounter("ct_state_invalid_dropped_pkts", () -> 7);
        metrics.nfacctCounter("localhost_nps_accepted_pkts", () -> 3);
    }

    @Test
    void nfacctCountersAreReadAtScrapeTimeAndOmittedWhenUnreadable() {
        long[] packets = {5};
        metrics.nfacctCounter("localhost_nps_accepted_pkts", () -> packets[0]);
        metrics.nfacctCounter("ct_state_invalid_dropped_pkts", () -> -1);

        assertThat(metrics.scrape()).contains("# TYPE kubeproxy_iptables_localhost_nodeports_accepted_packets_total counter\n"
                + "kubeproxy_iptables_localhost_nodeports_accepted_packets_total 5.0\n");
        packets[0] = 9;
        String s = metrics.scrape();
        assertThat(s).contains("kubeproxy_iptables_localhost_nodeports_accepted_packets_total 9.0\n");
        assertThat(s).doesNotContain("kubeproxy_iptables_ct_state_invalid_dropped_packets_total ");
    }

    @Test
    void syncDurationIsAPrometheusHistogramWithKubeProxysExponentialBuckets() {
        metrics.syncDuration(IpFamily.IPv4, Duration.ofMillis(3), true);
        String s = metrics.scrape();

        assertThat(s).contains("# HELP kubeproxy_sync_proxy_rules_duration_seconds SyncProxyRules latency in seconds\n"
                + "# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram\n");
        assertThat(lines(s, "kubeproxy_sync_proxy_rules_duration_seconds")).containsExactly(
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.001\"} 0",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.002\"} 0",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.004\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.008\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.016\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.032\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.064\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.128\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.256\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.512\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"1.024\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"2.048\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"4.096\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"8.192\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"16.384\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"+Inf\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 1",
                "kubeproxy_sync_proxy_rules_duration_seconds_sum{ip_family=\"IPv4\"} 0.003");
        assertThat(s).contains("kubeproxy_sync_full_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 1\n");
        assertThat(s).contains("kubeproxy_sync_partial_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 0\n");
        assertThat(s).doesNotContain("_max");
    }

    @Test
    void networkProgrammingBucketsStartAtZeroAndEndAtFiveMinutes() {
        metrics.networkProgramming(IpFamily.IPv4, Duration.ofMillis(300));
        List<String> buckets = lines(metrics.scrape(), "kubeproxy_network_programming_duration_seconds_bucket");
        List<String> les = buckets.stream().map(l -> l.replaceAll(".*le=\"([^\"]+)\".*", "$1")).toList();

        List<String> expected = new ArrayList<>(List.of("0.0", "0.25", "0.5"));
        for (int i = 1; i <= 59; i++) {
            expected.add(i + ".0");
        }
        for (int i = 60; i <= 115; i += 5) {
            expected.add(i + ".0");
        }
        for (int i = 120; i <= 300; i += 30) {
            expected.add(i + ".0");
        }
        expected.add("+Inf");
        assertThat(les).containsExactlyElementsOf(expected);
        assertThat(buckets).contains(
                "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.25\"} 0",
                "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.5\"} 1");
        assertThat(metrics.scrape()).contains(
                "# HELP kubeproxy_network_programming_duration_seconds In Cluster Network Programming Latency in seconds\n");
    }

    @Test
    void everyFamilyHasKubeProxysTypeAndHelp() {
        touchEverything();
        String s = metrics.scrape();
        assertThat(s).contains(
                "# HELP kubeproxy_sync_proxy_rules_last_timestamp_seconds The last time proxy rules were successfully synced\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge\n"
                        + "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv4\"} 1.7E9\n",
                "# HELP kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds The last time a sync of proxy rules was queued\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds gauge\n",
                "# HELP kubeproxy_sync_proxy_rules_service_changes_pending Pending proxy rules Service changes\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_service_changes_pending gauge\n"
                        + "kubeproxy_sync_proxy_rules_service_changes_pending 2.0\n",
                "# HELP kubeproxy_sync_proxy_rules_endpoint_changes_pending Pending proxy rules Endpoint changes\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_endpoint_changes_pending gauge\n"
                        + "kubeproxy_sync_proxy_rules_endpoint_changes_pending 3.0\n",
                "# HELP kubeproxy_sync_proxy_rules_service_changes_total Cumulative proxy rules Service changes\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_service_changes_total counter\n"
                        + "kubeproxy_sync_proxy_rules_service_changes_total 4.0\n",
                "# HELP kubeproxy_sync_proxy_rules_endpoint_changes_total Cumulative proxy rules Endpoint changes\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_endpoint_changes_total counter\n"
                        + "kubeproxy_sync_proxy_rules_endpoint_changes_total 5.0\n",
                "# HELP kubeproxy_sync_proxy_rules_iptables_restore_failures_total Cumulative proxy iptables restore failures\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_iptables_restore_failures_total counter\n"
                        + "kubeproxy_sync_proxy_rules_iptables_restore_failures_total{ip_family=\"IPv4\"} 1.0\n",
                "# HELP kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total Cumulative proxy iptables partial restore failures\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total counter\n"
                        + "kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total{ip_family=\"IPv4\"} 1.0\n",
                "# HELP kubeproxy_sync_proxy_rules_iptables_total Total number of iptables rules owned by kube-proxy\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_iptables_total gauge\n"
                        + "kubeproxy_sync_proxy_rules_iptables_total{ip_family=\"IPv4\",table=\"nat\"} 40.0\n",
                "# HELP kubeproxy_sync_proxy_rules_iptables_last Number of iptables rules written by kube-proxy in last sync\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_iptables_last gauge\n"
                        + "kubeproxy_sync_proxy_rules_iptables_last{ip_family=\"IPv4\",table=\"nat\"} 12.0\n",
                "# HELP kubeproxy_sync_proxy_rules_no_local_endpoints_total Number of services with a Local traffic policy and no endpoints\n"
                        + "# TYPE kubeproxy_sync_proxy_rules_no_local_endpoints_total gauge\n"
                        + "kubeproxy_sync_proxy_rules_no_local_endpoints_total{ip_family=\"IPv4\",traffic_policy=\"internal\"} 1.0\n",
                "# HELP kubeproxy_proxy_healthz_total Cumulative proxy healthz HTTP status\n"
                        + "# TYPE kubeproxy_proxy_healthz_total counter\n"
                        + "kubeproxy_proxy_healthz_total{code=\"200\"} 1.0\n",
                "# HELP kubeproxy_proxy_livez_total Cumulative proxy livez HTTP status\n"
                        + "# TYPE kubeproxy_proxy_livez_total counter\n"
                        + "kubeproxy_proxy_livez_total{code=\"503\"} 1.0\n",
                "# TYPE sluice_invalid_objects_total counter\n"
                        + "sluice_invalid_objects_total{kind=\"Service\",reason=\"invalid-cluster-ip\"} 1.0\n",
                "# TYPE sluice_backend_errors_total counter\n"
                        + "sluice_backend_errors_total{backend=\"ipvs\",operation=\"add-real-server\"} 1.0\n");
        assertThat(s).doesNotContain("ns/bad");
    }

    @Test
    void theRegistryExposesExactlyTheDocumentedFamilies() throws IOException {
        touchEverything();
        Set<String> exposed = typedFamilies(metrics.scrape());

        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("^\\| `([a-z_]+)` \\|", Pattern.MULTILINE)
                .matcher(Files.readString(Path.of("../docs/metrics.md")));
        while (m.find()) {
            documented.add(m.group(1));
        }

        assertThat(exposed).isEqualTo(new TreeSet<>(MetricNames.ALL));
        assertThat(documented).isEqualTo(exposed);
    }

    @Test
    void ipFamilySeriesExistAtZeroForConfiguredFamiliesBeforeAnySync() {
        ProxyMetrics dual = new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(IpFamily.IPv4, IpFamily.IPv6));
        String s = dual.scrape();
        assertThat(s).contains(
                "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv6\"} 0\n",
                "kubeproxy_sync_proxy_rules_iptables_restore_failures_total{ip_family=\"IPv4\"} 0.0\n",
                "kubeproxy_sync_proxy_rules_iptables_restore_failures_total{ip_family=\"IPv6\"} 0.0\n",
                "kubeproxy_sync_proxy_rules_service_changes_total 0.0\n");
    }

    @Test
    void countersNeverGoDownAndNegativeLatencyIsDropped() {
        metrics.changesReceived(3, 0);
        metrics.changesReceived(-2, -1);
        metrics.networkProgramming(IpFamily.IPv4, Duration.ofSeconds(-5));
        String s = metrics.scrape();
        assertThat(s).contains("kubeproxy_sync_proxy_rules_service_changes_total 3.0\n",
                "kubeproxy_sync_proxy_rules_endpoint_changes_total 0.0\n",
                "kubeproxy_network_programming_duration_seconds_count{ip_family=\"IPv4\"} 0\n");
    }
}
