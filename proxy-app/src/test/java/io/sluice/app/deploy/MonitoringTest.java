package io.sluice.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the PrometheusRule query only metrics Sluice exports: kube-proxy's names
 * ({@code pkg/proxy/metrics/metrics.go}) plus Sluice's own two families. A renamed metric breaks this test rather
 * than silently blanking a panel or an alert.
 */
class MonitoringTest {

    /** Series families Sluice exports (histograms add _bucket/_sum/_count). */
    static final Set<String> EXPORTED = Set.of(
            "kubeproxy_sync_proxy_rules_duration_seconds",
            "kubeproxy_sync_full_proxy_rules_duration_seconds",
            "kubeproxy_sync_partial_proxy_rules_duration_seconds",
            "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
            "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds",
            "kubeproxy_network_programming_duration_seconds",
            "kubeproxy_sync_proxy_rules_endpoint_changes_pending",
            "kubeproxy_sync_proxy_rules_endpoint_changes_total",
            "kubeproxy_sync_proxy_rules_service_changes_pending",
            "kubeproxy_sync_proxy_rules_service_changes_total",
            "kubeproxy_sync_proxy_rules_iptables_restore_failures_total",
            "kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total",
            "kubeproxy_sync_proxy_rules_iptables_total",
            "kubeproxy_sync_proxy_rules_iptables_last",
            "kubeproxy_sync_proxy_rules_no_local_endpoints_total",
            "kubeproxy_proxy_healthz_total",
            "kubeproxy_proxy_livez_total",
            "sluice_invalid_objects_total",
            "sluice_backend_errors_total");

    private static final Pattern METRIC = Pattern.compile("\\b((?:kubeproxy|sluice)_[a-z_]+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Set<String> metricsIn(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1).replaceAll("_(bucket|sum|count)$", ""));
        }
        return names;
    }

    @Test
    void dashboard_panels_query_exported_metrics_and_cover_the_essentials() throws IOException {
        JsonNode dashboard = JSON.readTree(Environment.repoRoot().resolve("dashboards/sluice-grafana.json").toFile());
        List<String> titles = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            titles.add(panel.path("title").asText());
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(metricsIn(expr)).as("metrics of %s", expr).isNotEmpty().isSubsetOf(EXPORTED);
                used.addAll(metricsIn(expr));
            }
        }

        assertThat(dashboard.path("uid").asText()).isEqualTo("sluice-overview");
        assertThat(titles).doesNotHaveDuplicates();
        assertThat(used).contains("kubeproxy_sync_proxy_rules_duration_seconds",
                "kubeproxy_network_programming_duration_seconds", "kubeproxy_sync_proxy_rules_iptables_total",
                "kubeproxy_sync_proxy_rules_iptables_restore_failures_total",
                "kubeproxy_sync_proxy_rules_service_changes_pending",
                "kubeproxy_sync_proxy_rules_endpoint_changes_pending", "sluice_invalid_objects_total");
        assertThat(dashboard.toString()).contains("histogram_quantile(0.5,", "histogram_quantile(0.99,");
    }

    @Test
    void alert_rules_query_exported_metrics_and_have_severity_and_summary() throws IOException {
        Path file = Environment.repoRoot().resolve("manifests/monitoring/prometheusrule.yaml");
        JsonNode rule = YAML.readTree(file.toFile());
        Set<String> alerts = new TreeSet<>();
        Set<String> records = new TreeSet<>();
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                String expr = r.path("expr").asText();
                Set<String> metrics = metricsIn(expr);
                assertThat(metrics).as("metrics of %s", expr).isSubsetOf(EXPORTED);
                if (r.has("record")) {
                    records.add(r.path("record").asText());
                    continue;
                }
                alerts.add(r.path("alert").asText());
                assertThat(r.path("labels").path("severity").asText()).isIn("critical", "warning", "info");
                assertThat(r.path("annotations").path("summary").asText()).isNotBlank();
                // Every alert reads either an exported metric directly or a recording rule built from one.
                assertThat(metrics.isEmpty() && records.stream().noneMatch(expr::contains)
                        && !expr.contains("up{")).as("alert %s queries something", r.path("alert")).isFalse();
            }
        }

        assertThat(alerts).contains("SluiceSyncStalled", "SluiceRestoreFailures", "SluiceSyncLatencyHigh",
                "SluiceNetworkProgrammingLatencyHigh");
        String stalled = rule.toString();
        assertThat(stalled).contains("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds > "
                + "kubeproxy_sync_proxy_rules_last_timestamp_seconds");
    }
}
