package io.sluice.app;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sluice.core.source.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole daemon against an API server: {@code sluice run --dry-run --kubeconfig ...} as its own JVM, watching
 * fabric8's CRUD mock API server, observed from the outside through /metrics.
 */
class ApiServerRunTest {
    private final MockApiServer api = MockApiServer.crud();
    final KubernetesMockServer server = api.server();
    final KubernetesClient client = api.client();

    @AfterEach
    void stopApiServer() {
        api.close();
    }

    @Test
    void givenAClusterWhenSluiceRunsThenItSyncsAndFollowsChanges(@TempDir Path dir) throws Exception {
        // Given a cluster with the node, one Service and its EndpointSlice
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress("192.168.10.11").endAddress()
                .endStatus().build()).create();
        createService("web", "10.96.0.20");
        client.discovery().v1().endpointSlices().inNamespace("shop").resource(new EndpointSliceBuilder()
                .withNewMetadata().withName("web-1").withNamespace("shop")
                .addToLabels("kubernetes.io/service-name", "web").endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("10.244.1.5").withNodeName("node-a").endEndpoint().build()).create();
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                contexts: [{name: mock, context: {cluster: mock, user: mock}}]
                current-context: mock
                users: [{name: mock, user: {token: test}}]
                """.formatted(client.getMasterUrl()));
        int metricsPort = freePort();

        // When Sluice runs against it (dry-run: no kernel)
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SluiceMain.class.getName(), "run", "--dry-run",
                "--kubeconfig", kubeconfig.toString(), "--hostname-override", "node-a",
                "--metrics-bind-address", "127.0.0.1:" + metricsPort, "--healthz-bind-address", "127.0.0.1:0"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
        try {
            // Then it syncs the Service and its endpoints
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
                String m = scrape(metricsPort);
                assertThat(value(m, "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv4\"}")).isPositive();
                assertThat(value(m, "kubeproxy_sync_proxy_rules_service_changes_total")).isGreaterThanOrEqualTo(1);
                assertThat(value(m, "kubeproxy_sync_proxy_rules_endpoint_changes_total")).isGreaterThanOrEqualTo(1);
            });
            double servicesBefore = value(scrape(metricsPort), "kubeproxy_sync_proxy_rules_service_changes_total");

            // When a Service is added and another one is hostile
            createService("cart", "10.96.0.21");
            createService("bad", "10.96.0.300");

            // Then the new Service is seen and the hostile one is counted as invalid
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                String m = scrape(metricsPort);
                assertThat(value(m, "kubeproxy_sync_proxy_rules_service_changes_total")).isGreaterThan(servicesBefore);
                assertThat(m).contains("sluice_invalid_objects_total{kind=\"Service\",reason=\"invalid-cluster-ip\"} 1.0");
            });
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
        assertThat(Files.readString(dir.resolve("run.log"))).contains("first sync done").doesNotContain("Exception");
    }

    private void createService(String name, String clusterIP) {
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName(name)
                .withNamespace("shop").endMetadata().withNewSpec().withClusterIP(clusterIP).addNewPort().withName("http")
                .withPort(80).withProtocol("TCP").endPort().endSpec().build()).create();
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
