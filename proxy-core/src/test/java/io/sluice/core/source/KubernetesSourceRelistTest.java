package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.tracker.ChangeTracker;
import io.sluice.core.tracker.TrackedChanges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watch that fails with 410 Gone makes fabric8 list again; the handler must then see the difference (deletes of
 * vanished objects, updates of changed ones, adds of new ones). Expectations mode: every request is scripted.
 */
class KubernetesSourceRelistTest {
    /** Generous: the shared build machine is heavily loaded; this is a timeout, not a timing assertion. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String SELECTOR =
            "labelSelector=%21service.kubernetes.io%2Fservice-proxy-name%2C%21service.kubernetes.io%2Fheadless";
    private static final String SERVICES = "/api/v1/services?" + SELECTOR;
    private static final String SLICES = "/apis/discovery.k8s.io/v1/endpointslices?" + SELECTOR;
    private static final String NODES = "/api/v1/nodes?fieldSelector=metadata.name%3Dnode-1";

    private final MockApiServer api = MockApiServer.expectations();
    final KubernetesMockServer server = api.server();
    final KubernetesClient client = api.client();

    private final ChangeTracker tracker = new ChangeTracker("node-1");
    private KubernetesSource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
        api.close();
    }

    private static Service svc(String name, int port, String rv) {
        return new ServiceBuilder(Fixtures.service("ns1", name, "10.0.0.1").editSpec().editFirstPort()
                .withPort(port).endPort().endSpec().build())
                .editMetadata().withResourceVersion(rv).endMetadata().build();
    }

    private static String watch(String base, String rv) {
        return base.replace("?", "?allowWatchBookmarks=true&") + "&resourceVersion=" + rv
                + "&timeoutSeconds=600&watch=true";
    }

    @Test
    void relistAfterGoneDeliversTheDifference() {
        // Given: a first list (svc1, svc2), then a watch that fails with 410 Gone, then a second list (svc2 changed,
        // svc3 new, svc1 gone) and a quiet watch.
        server.expect().get().withPath(SERVICES + "&resourceVersion=0")
                .andReturn(200, new ServiceListBuilder().withMetadata(new ListMetaBuilder().withResourceVersion("1")
                        .build()).withItems(svc("svc1", 80, "1"), svc("svc2", 80, "1")).build()).once();
        server.expect().get().withPath(watch(SERVICES, "1"))
                .andUpgradeToWebSocket().open()
                .waitFor(50).andEmit(new WatchEvent(new StatusBuilder().withCode(410).withReason("Expired")
                        .withMessage("too old resource version").build(), "ERROR"))
                .done().once();
        server.expect().get().withPath(SERVICES)
                .andReturn(200, new ServiceListBuilder().withMetadata(new ListMetaBuilder().withResourceVersion("5")
                        .build()).withItems(svc("svc2", 81, "4"), svc("svc3", 80, "5")).build()).always();
        server.expect().get().withPath(SERVICES + "&resourceVersion=0")
                .andReturn(200, new ServiceListBuilder().withMetadata(new ListMetaBuilder().withResourceVersion("5")
                        .build()).withItems(svc("svc2", 81, "4"), svc("svc3", 80, "5")).build()).always();
        server.expect().get().withPath(watch(SERVICES, "5")).andUpgradeToWebSocket().open().done().always();
        // EndpointSlices and Nodes: empty lists and quiet watches (re-served if the mock closes a watch).
        for (String path : new String[] {SLICES + "&resourceVersion=0", SLICES}) {
            server.expect().get().withPath(path)
                    .andReturn(200, new EndpointSliceListBuilder().withMetadata(new ListMetaBuilder()
                            .withResourceVersion("1").build()).build()).always();
        }
        for (String path : new String[] {NODES + "&resourceVersion=0", NODES}) {
            server.expect().get().withPath(path)
                    .andReturn(200, new NodeListBuilder().withMetadata(new ListMetaBuilder()
                            .withResourceVersion("1").build()).build()).always();
        }
        server.expect().get().withPath(watch(SLICES, "1")).andUpgradeToWebSocket().open().done().always();
        server.expect().get().withPath(watch(NODES, "1")).andUpgradeToWebSocket().open().done().always();

        // When the source runs through the first list, the 410 and the relist
        source = new KubernetesSource(client, false, "node-1", "", tracker, InvalidObjectListener.NOOP,
                Duration.ZERO);
        source.start();
        await().atMost(PATIENCE).until(tracker::isInitialized);
        await().atMost(PATIENCE).until(() -> tracker.currentSnapshot().services().keySet().stream()
                .map(ServicePortName::service).map(NamespacedName::name).toList().equals(
                        java.util.List.of("svc2", "svc3")));

        // Then the snapshot is the second list's, with svc2 updated
        TrackedChanges c = tracker.drain();
        assertThat(c.snapshot().services().get(ServicePortName.of("ns1", "svc2", "p80", Protocol.TCP)).port())
                .isEqualTo(81);
        assertThat(c.snapshot().services()).hasSize(2);
    }
}
