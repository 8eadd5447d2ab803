package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.tracker.ChangeTracker;
import io.sluice.core.tracker.TrackedChanges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.sluice.core.source.Fixtures.service;
import static io.sluice.core.source.Fixtures.sliceOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Given/When/Then against fabric8's CRUD mock API server. */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesSourceTest {
    /** Generous: the shared build machine is heavily loaded; this is a timeout, not a timing assertion. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    static final ServicePortName SVC1 = ServicePortName.of("ns1", "svc1", "p80", Protocol.TCP);

    KubernetesMockServer server;
    KubernetesClient client;

    private final ChangeTracker tracker = new ChangeTracker("node-1");
    private final RecordingListener listener = new RecordingListener();
    private KubernetesSource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
        // Close the client's watch connections before the extension stops the mock server; under load the server
        // otherwise waits for them and its close times out.
        client.close();
    }

    private KubernetesSource start(String proxyName) {
        source = new KubernetesSource(client, false, "node-1", proxyName, tracker, listener, Duration.ZERO);
        source.start();
        await().atMost(PATIENCE).until(tracker::isInitialized);
        return source;
    }

    private void create(Service s) {
        client.resource(s).create();
    }

    private void create(EndpointSlice s) {
        client.resource(s).create();
    }

    private List<String> ipPorts(ServicePortName spn) {
        return tracker.currentSnapshot().endpointsOf(spn).stream().map(Endpoint::ipPort).toList();
    }

    @Test
    void serviceCidrsFlowIntoTheSnapshot() {
        // Given two ServiceCIDR objects, one with a malformed CIDR
        client.resource(new io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDRBuilder()
                .withNewMetadata().withName("kubernetes").endMetadata()
                .withNewSpec().withCidrs("10.96.0.0/16", "fd00:96::/108").endSpec().build()).create();
        client.resource(new io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDRBuilder()
                .withNewMetadata().withName("extra").endMetadata()
                .withNewSpec().withCidrs("10.100.0.0/16", "bogus").endSpec().build()).create();

        // When the source starts
        start("");

        // Then the snapshot carries their union, canonical and sorted, and the bad CIDR is counted
        await().atMost(PATIENCE).until(() -> tracker.currentSnapshot().serviceCIDRs().size() == 3);
        assertThat(tracker.currentSnapshot().serviceCIDRs())
                .containsExactly("10.100.0.0/16", "10.96.0.0/16", "fd00:96::/108");
        assertThat(listener.calls).contains("ServiceCIDR extra cidr");
    }

    @Test
    void servicesAndMultiSliceEndpointsFlowIntoTheTracker() {
        // Given a Service with two EndpointSlices
        create(service("ns1", "svc1"));
        create(sliceOf("ns1", "svc1-a", "svc1", "10.180.0.1", "10.180.0.2"));
        create(sliceOf("ns1", "svc1-b", "svc1", "10.180.0.3"));

        // When the source starts
        start("");

        // Then the initial snapshot has the service and the merged endpoints
        TrackedChanges initial = tracker.drain();
        assertThat(initial.snapshot().services()).containsOnlyKeys(SVC1);
        assertThat(initial.snapshot().endpointsOf(SVC1)).extracting(Endpoint::ipPort)
                .containsExactly("10.180.0.1:8080", "10.180.0.2:8080", "10.180.0.3:8080");
        assertThat(initial.changedServices()).containsExactly(new NamespacedName("ns1", "svc1"));

        // When a slice is updated
        client.resource(sliceOf("ns1", "svc1-b", "svc1", "10.180.0.4")).update();
        // Then the endpoints follow and the service is reported changed
        await().atMost(PATIENCE).until(() -> ipPorts(SVC1).contains("10.180.0.4:8080"));
        assertThat(ipPorts(SVC1)).containsExactly("10.180.0.1:8080", "10.180.0.2:8080", "10.180.0.4:8080");
        assertThat(tracker.drain().changedServices()).containsExactly(new NamespacedName("ns1", "svc1"));

        // When the Service's port changes
        client.resource(service("ns1", "svc1", "172.30.0.41").editSpec().editFirstPort().withPort(81).endPort()
                .endSpec().build()).update();
        await().atMost(PATIENCE).until(() -> tracker.currentSnapshot().services().get(SVC1).port() == 81);

        // When a slice is deleted, then its endpoints go
        client.resource(sliceOf("ns1", "svc1-a", "svc1")).delete();
        await().atMost(PATIENCE).until(() -> ipPorts(SVC1).equals(List.of("10.180.0.4:8080")));

        // When the Service is deleted, then its ports go
        client.resource(service("ns1", "svc1")).delete();
        await().atMost(PATIENCE).until(() -> tracker.currentSnapshot().services().isEmpty());
        assertThat(tracker.drain().changedServices()).containsExactly(new NamespacedName("ns1", "svc1"));
    }

    @Test
    void withoutProxyNameHeadlessAndOtherProxiesAreNotServed() {
        // Given three Services: plain, labelled headless, labelled for another proxy
        create(service("ns1", "svc1"));
        create(labelled(service("ns1", "svc2"), ProxyNameSelector.HEADLESS, ""));
        create(labelled(service("ns1", "svc3"), ProxyNameSelector.SERVICE_PROXY_NAME, "other"));

        // When the source starts without a proxy name
        start("");

        // Then only the plain one is served
        assertThat(tracker.currentSnapshot().services().keySet()).extracting(ServicePortName::service)
                .containsExactly(new NamespacedName("ns1", "svc1"));

        // When the plain one gets another proxy's label, it leaves the selection and is removed
        client.resource(labelled(service("ns1", "svc1"), ProxyNameSelector.SERVICE_PROXY_NAME, "other")).update();
        await().atMost(PATIENCE).until(() -> tracker.currentSnapshot().services().isEmpty());
    }

    @Test
    void withProxyNameOnlyLabelledServicesAreServed() {
        // Given a plain Service, one labelled for us, one for us but headless
        create(service("ns1", "svc1"));
        create(labelled(service("ns1", "svc2"), ProxyNameSelector.SERVICE_PROXY_NAME, "sluice"));
        create(new ServiceBuilder(labelled(service("ns1", "svc3"), ProxyNameSelector.SERVICE_PROXY_NAME, "sluice"))
                .editMetadata().addToLabels(ProxyNameSelector.HEADLESS, "").endMetadata().build());
        EndpointSlice ours = new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder(
                sliceOf("ns1", "svc2-a", "svc2", "10.0.0.2")).editMetadata()
                .addToLabels(ProxyNameSelector.SERVICE_PROXY_NAME, "sluice").endMetadata().build();
        create(ours);
        create(sliceOf("ns1", "svc1-a", "svc1", "10.0.0.1"));

        // When the source starts with proxy name "sluice"
        start("sluice");

        // Then only svc2 and its labelled slice are served
        assertThat(source.labelSelector())
                .isEqualTo("service.kubernetes.io/service-proxy-name=sluice,!service.kubernetes.io/headless");
        assertThat(tracker.currentSnapshot().services().keySet()).extracting(ServicePortName::service)
                .containsExactly(new NamespacedName("ns1", "svc2"));
        assertThat(tracker.currentSnapshot().endpoints().keySet()).extracting(ServicePortName::service)
                .containsExactly(new NamespacedName("ns1", "svc2"));
    }

    @Test
    void initialSyncIsSignalledOnceAfterEveryListedObjectWasDelivered() throws Exception {
        // Given many Services and slices
        for (int i = 0; i < 30; i++) {
            create(service("ns1", "svc" + i));
            create(sliceOf("ns1", "svc" + i + "-a", "svc" + i, "10.0.0." + (i + 1)));
        }
        CountingHandler counting = new CountingHandler(tracker);

        // When the source starts
        source = new KubernetesSource(client, false, "node-1", "", counting, listener, Duration.ZERO);
        assertThat(tracker.isInitialized()).isFalse();
        source.start();
        source.start(); // idempotent
        source.initialSync().get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

        // Then the handler had seen every object before the signal, and got it exactly once
        assertThat(counting.servicesAtSync).isEqualTo(30);
        assertThat(counting.slicesAtSync).isEqualTo(30);
        await().atMost(PATIENCE).until(() -> counting.syncs.get() == 1);
        assertThat(tracker.currentSnapshot().services()).hasSize(30);
    }

    @Test
    void ownNodeIsWatchedOthersAreNot() {
        client.resource(Fixtures.node("node-1", "192.168.0.1")).create();
        client.resource(Fixtures.node("node-2", "192.168.0.2")).create();

        start("");

        await().atMost(PATIENCE)
                .until(() -> tracker.currentSnapshot().node().addresses().equals(List.of("192.168.0.1")));
        client.resource(new io.fabric8.kubernetes.api.model.NodeBuilder(Fixtures.node("node-1", "192.168.0.1"))
                .editMetadata().addToLabels("topology.kubernetes.io/zone", "z1").endMetadata().build()).update();
        await().atMost(PATIENCE).until(() -> tracker.currentSnapshot().node().zone().equals("z1"));
        assertThat(tracker.drain().nodeChanged()).isTrue();

        // When another node changes, nothing happens; when the own Node is deleted, it is reported as deleting
        client.resource(Fixtures.node("node-2", "192.168.0.22")).update();
        client.resource(Fixtures.node("node-1", "192.168.0.1")).delete();
        await().atMost(PATIENCE).until(() -> tracker.currentSnapshot().node().deleting());
        assertThat(tracker.currentSnapshot().node().addresses()).isEmpty();
    }

    @Test
    void hostileObjectsFromTheApiAreRejected() {
        // Given a Service with an invalid cluster IP and a slice with a malformed address
        create(service("ns1", "bad", "10.0.0.300").build());
        create(sliceOf("ns1", "svc1-a", "svc1", "10.0.0.1", "10.0.0.1.1"));

        start("");

        assertThat(tracker.currentSnapshot().services()).isEmpty();
        assertThat(ipPorts(SVC1)).containsExactly("10.0.0.1:8080");
        assertThat(listener.reasons()).containsExactlyInAnyOrder("invalid-cluster-ip", "invalid-endpoint-address");
    }

    @Test
    void closeIsIdempotentAndStopsDelivery() {
        start("");
        source.close();
        source.close();
        create(service("ns1", "svc1"));
        assertThat(tracker.currentSnapshot().services()).isEmpty();
    }

    private static Service labelled(Service s, String key, String value) {
        return new ServiceBuilder(s).editMetadata().addToLabels(key, value).endMetadata().build();
    }
}
