package io.sluice.core.sync;

import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.health.HealthServer;
import io.sluice.core.health.MetricsServer;
import io.sluice.core.metrics.ProxyMetrics;
import io.sluice.core.model.ProxySnapshot;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The engine wired as the daemon wires it: the real sync thread, the real HTTP servers, informer-like threads. */
class SyncEngineRealThreadsTest {

    private static final class RecordingBackend implements ProxyBackend {
        final List<SyncRequest> syncs = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public String render(ProxySnapshot snapshot) {
            return "";
        }

        @Override
        public SyncResult sync(SyncRequest request) {
            syncs.add(request);
            threads.add(Thread.currentThread().getName());
            return new SyncResult(request.fullSync(), 0);
        }

        @Override
        public void cleanup() {
        }
    }

    @Test
    void eventsFromOtherThreadsAreSyncedOnTheSyncThreadAndVisibleOverHttp() throws Exception {
        FakeChangeSource source = new FakeChangeSource();
        RecordingBackend backend = new RecordingBackend();
        ProxyMetrics metrics = new ProxyMetrics();
        HttpClient client = HttpClient.newHttpClient();
        try (SyncEngine engine = SyncEngine.builder(source, backend).metrics(metrics)
                .minSyncPeriod(Duration.ZERO).syncPeriod(Duration.ofHours(1)).build();
             HealthServer health = new HealthServer("127.0.0.1:0", engine.health(), metrics);
             MetricsServer metricsServer = new MetricsServer("127.0.0.1:0", metrics, "iptables")) {
            engine.start();
            Thread informer = new Thread(() -> {
                source.initialize();
                for (int i = 0; i < 20; i++) {
                    source.serviceChanged("ns", "svc-" + i);
                }
            }, "informer");
            informer.start();
            informer.join();

            await().until(() -> source.pendingServiceChanges() == 0 && !engine.runner().pending()
                    && engine.syncs() >= 1);
            assertThat(backend.syncs.get(0).fullSync()).isTrue();
            assertThat(backend.threads).containsOnly("sluice-sync");
            assertThat(backend.syncs.stream().flatMap(r -> r.changedServices().stream()))
                    .allSatisfy(n -> assertThat(n.name()).startsWith("svc-"));

            HttpResponse<String> healthz = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + health.port() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(healthz.statusCode()).isEqualTo(200);
            HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsServer.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.body()).contains("kubeproxy_sync_proxy_rules_service_changes_total 20.0\n",
                    "kubeproxy_sync_full_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 1\n");
        }
    }
}
