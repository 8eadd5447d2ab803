package io.sluice.core.health;

import io.sluice.core.lifecycle.Failures;
import io.sluice.core.metrics.ProxyMetrics;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.sync.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpServersTest {

    private final ManualTime time = new ManualTime();
    private final ProxyHealth health = ProxyHealth.forSyncPeriod(time.clock(), Duration.ofSeconds(30));
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final HttpClient client = HttpClient.newHttpClient();
    private HealthServer healthServer;
    private MetricsServer metricsServer;

    @AfterEach
    void close() {
        if (healthServer != null) {
            healthServer.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzAndLivezReportHealthNodeStateAndCountResponses() throws Exception {
        healthServer = new HealthServer("127.0.0.1:0", health, metrics);
        int port = healthServer.port();
        assertThat(port).isPositive();

        HttpResponse<String> ok = get(port, "/healthz");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(ok.body()).as("starting up: no family judged yet").isEqualTo(
                "{\"lastUpdated\":\"2026-01-01T00:00:00Z\",\"currentTime\":\"2026-01-01T00:00:00Z\","
                + "\"nodeEligible\":true,\"healthy\":true}");

        health.updated(IpFamily.IPv4);
        health.queuedUpdate(IpFamily.IPv4);
        time.advance(Duration.ofSeconds(60));
        HttpResponse<String> late = get(port, "/healthz");
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(late.body()).isEqualTo("{\"lastUpdated\":\"2026-01-01T00:00:00Z\","
                + "\"currentTime\":\"2026-01-01T00:01:00Z\",\"nodeEligible\":true,\"healthy\":false,"
                + "\"status\":{\"IPv4\":{\"lastUpdated\":\"2026-01-01T00:00:00Z\",\"healthy\":false}}}");
        assertThat(get(port, "/livez").statusCode()).isEqualTo(503);

        health.updated(IpFamily.IPv4);
        health.syncNode(new NodeInfo("n1", List.of(), new TreeMap<>(), true));
        HttpResponse<String> draining = get(port, "/healthz");
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(draining.body()).contains("\"nodeEligible\":false,\"healthy\":true,");
        HttpResponse<String> live = get(port, "/livez");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"lastUpdated\":\"2026-01-01T00:01:00Z\","
                + "\"currentTime\":\"2026-01-01T00:01:00Z\",\"healthy\":true,"
                + "\"status\":{\"IPv4\":{\"lastUpdated\":\"2026-01-01T00:01:00Z\",\"healthy\":true}}}");

        assertThat(get(port, "/other").statusCode()).isEqualTo(404);
        assertThat(metrics.scrape()).contains(
                "kubeproxy_proxy_healthz_total{code=\"200\"} 1.0\n",
                "kubeproxy_proxy_healthz_total{code=\"503\"} 2.0\n",
                "kubeproxy_proxy_livez_total{code=\"200\"} 1.0\n",
                "kubeproxy_proxy_livez_total{code=\"503\"} 1.0\n");
    }

    @Test
    void metricsServerServesTheScrapeWithPrometheusContentType() throws Exception {
        metrics.syncDuration(IpFamily.IPv4, Duration.ofMillis(5), true);
        metricsServer = new MetricsServer("127.0.0.1:0", metrics);
        HttpResponse<String> r = get(metricsServer.port(), "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).contains("kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 1\n");
        assertThat(get(metricsServer.port(), "/").statusCode()).isEqualTo(404);
        assertThat(get(metricsServer.port(), "/proxyMode").statusCode()).isEqualTo(404);
        assertThat(get(metricsServer.port(), "/healthz").body()).isEqualTo("ok");
        assertThat(metricsServer.address()).isEqualTo("127.0.0.1:" + metricsServer.port());
    }

    @Test
    void metricsServerReportsTheProxyMode() throws Exception {
        metricsServer = new MetricsServer("127.0.0.1:0", metrics, "ipvs");
        HttpResponse<String> r = get(metricsServer.port(), "/proxyMode");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ipvs");
    }

    @Test
    void closeIsIdempotentAndReleasesThePort() throws Exception {
        metricsServer = new MetricsServer("127.0.0.1:0", metrics);
        int port = metricsServer.port();
        metricsServer.close();
        metricsServer.close();
        assertThatThrownBy(() -> get(port, "/metrics")).isInstanceOf(IOException.class);
    }

    @Test
    void aMalformedBindAddressIsRejected() {
        assertThatThrownBy(() -> new HealthServer("localhost:10256", health, metrics))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost:10256");
    }

    @Test
    void timesUseGosRfc3339NanoForm() {
        assertThat(HealthServer.goTime(java.time.Instant.parse("2026-01-01T00:00:00Z"))).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(HealthServer.goTime(java.time.Instant.parse("2026-01-01T00:00:00.500Z")))
                .isEqualTo("2026-01-01T00:00:00.5Z");
        assertThat(HealthServer.goTime(java.time.Instant.parse("2026-01-01T00:00:00.123456789Z")))
                .isEqualTo("2026-01-01T00:00:00.123456789Z");
        assertThat(HealthServer.goTime(null)).as("Go's zero time").isEqualTo("0001-01-01T00:00:00Z");
    }

    @Test
    void aHandlerThatThrowsAnswers500AndIsCounted() throws Exception {
        java.util.List<String> counted = new java.util.ArrayList<>();
        Failures.countWith(counted::add);
        try {
            ProxyHealth broken = new ProxyHealth(new java.time.Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return java.time.ZoneOffset.UTC;
                }

                @Override
                public java.time.Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public java.time.Instant instant() {
                    throw new IllegalStateException("clock broke");
                }
            }, Duration.ofSeconds(60));
            healthServer = new HealthServer("127.0.0.1:0", broken, metrics);
            HttpResponse<String> r = get(healthServer.port(), "/livez");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(get(healthServer.port(), "/livez").statusCode()).as("the server keeps serving").isEqualTo(500);
            assertThat(counted).containsExactly("sluice-healthz", "sluice-healthz");
        } finally {
            Failures.countWith(thread -> { });
        }
    }
}
