package io.sluice.core.health;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** kube-proxy pkg/proxy/healthcheck/service_health.go semantics, on an in-memory listener factory. */
class ServiceHealthServerTest {
    private static final NamespacedName A = new NamespacedName("ns", "a");
    private static final NamespacedName B = new NamespacedName("ns", "b");

    private final FakeHealthCheckListeners listeners = new FakeHealthCheckListeners();
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final AtomicInteger failures = new AtomicInteger();
    private final ServiceHealthServer server = new ServiceHealthServer(List.of("10.0.0.1", "192.168.1.1"), listeners,
            healthy::get, failures::incrementAndGet);

    @Test
    void syncServicesOpensOneListenerPerAddressAndClosesRemovedOrChangedPorts() {
        server.syncServices(Map.of(A, 30001, B, 30002));
        assertThat(listeners.open.keySet()).containsExactly("10.0.0.1:30001", "10.0.0.1:30002",
                "192.168.1.1:30001", "192.168.1.1:30002");

        // SyncServices: unchanged stays (no new listen), changed port is reopened, missing is closed.
        int calls = listeners.listenCalls;
        server.syncServices(Map.of(A, 30001));
        assertThat(listeners.listenCalls).isEqualTo(calls);
        assertThat(listeners.open.keySet()).containsExactly("10.0.0.1:30001", "192.168.1.1:30001");
        server.syncServices(Map.of(A, 30005));
        assertThat(listeners.open.keySet()).containsExactly("10.0.0.1:30005", "192.168.1.1:30005");
        assertThat(server.openPorts()).containsExactly(Map.entry(A, 30005));
    }

    @Test
    void answers200WithLocalEndpointsAnd503WithoutLikeKubeProxy() {
        server.syncServices(Map.of(A, 30001));
        HealthCheckResponse none = listeners.get("10.0.0.1:30001");
        assertThat(none.code()).isEqualTo(503);
        assertThat(none.body()).isEqualTo("{\n\t\"service\": {\n\t\t\"namespace\": \"ns\",\n\t\t\"name\": \"a\"\n"
                + "\t},\n\t\"localEndpoints\": 0,\n\t\"serviceProxyHealthy\": true\n}");

        server.syncEndpoints(Map.of(A, 2, B, 7)); // B has no health-check port: dropped, as kube-proxy does
        HealthCheckResponse ok = listeners.get("192.168.1.1:30001");
        assertThat(ok.code()).isEqualTo(200);
        assertThat(ok.headers()).containsEntry("Content-Type", "application/json")
                .containsEntry("X-Content-Type-Options", "nosniff")
                .containsEntry("X-Load-Balancing-Endpoint-Weight", "2");
        assertThat(ok.body()).contains("\"localEndpoints\": 2,").contains("\"serviceProxyHealthy\": true");

        // Endpoints missing from the next map drop to 0.
        server.syncEndpoints(Map.of());
        assertThat(listeners.get("10.0.0.1:30001").code()).isEqualTo(503);
    }

    @Test
    void unhealthyProxyAnswers503EvenWithLocalEndpoints() {
        server.syncServices(Map.of(A, 30001));
        server.syncEndpoints(Map.of(A, 1));
        healthy.set(false);
        HealthCheckResponse r = listeners.get("10.0.0.1:30001");
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.body()).contains("\"localEndpoints\": 1,").contains("\"serviceProxyHealthy\": false");
    }

    @Test
    void portThatCannotBeBoundIsCountedAndRetriedOnTheNextSyncNeverFatal() {
        listeners.unbindable.add("192.168.1.1:30001");
        server.syncServices(Map.of(A, 30001, B, 30002));
        assertThat(failures.get()).isEqualTo(1);
        // The half-opened service released the address it had (kube-proxy closeAll) and is not recorded.
        assertThat(listeners.open.keySet()).containsExactly("10.0.0.1:30002", "192.168.1.1:30002");
        assertThat(server.openPorts()).containsOnlyKeys(B);

        server.syncServices(Map.of(A, 30001, B, 30002));
        assertThat(failures.get()).isEqualTo(2);

        listeners.unbindable.clear();
        server.syncServices(Map.of(A, 30001, B, 30002));
        assertThat(server.openPorts()).containsOnlyKeys(A, B);
        assertThat(failures.get()).isEqualTo(2);
    }

    @Test
    void closeReleasesEveryPortAndLaterSyncsDoNothing() {
        server.syncServices(Map.of(A, 30001));
        server.close();
        assertThat(listeners.open).isEmpty();
        server.syncServices(Map.of(A, 30001));
        assertThat(listeners.open).isEmpty();
    }

    @Test
    void snapshotGivesHealthCheckPortsAndDistinctLocalReadyEndpointsLikeKubeProxy() {
        ServicePortName http = new ServicePortName(A, "http", Protocol.TCP);
        ServicePortName https = new ServicePortName(A, "https", Protocol.TCP);
        ServicePortName other = new ServicePortName(B, "", Protocol.TCP);
        TreeMap<ServicePortName, ServicePort> svcs = new TreeMap<>();
        svcs.put(http, lb(http, 30001));
        svcs.put(https, lb(https, 30001));
        svcs.put(other, lb(other, 0));
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>();
        eps.put(http, List.of(Endpoint.ready("10.1.0.1", 80).withNodeName("node-a"),
                Endpoint.ready("10.1.0.2", 80).withNodeName("node-b"),
                new Endpoint("10.1.0.3", 80, false, true, true, "node-a", "", null, null)));
        eps.put(https, List.of(Endpoint.ready("10.1.0.1", 443).withNodeName("node-a")));
        eps.put(other, List.of(Endpoint.ready("10.1.0.9", 80).withNodeName("node-a")));
        ProxySnapshot snap = new ProxySnapshot(svcs, eps, NodeInfo.named("node-a"));

        assertThat(ServiceHealthServer.healthCheckNodePorts(snap)).containsExactly(Map.entry(A, 30001));
        // LocalReadyEndpoints counts distinct ip:port over the service's ports; not-ready and remote ones are out.
        assertThat(ServiceHealthServer.localReadyEndpoints(snap, "node-a")).containsEntry(A, 2).containsEntry(B, 1);

        server.sync(snap, "node-a");
        assertThat(listeners.get("10.0.0.1:30001").headers()).containsEntry("X-Load-Balancing-Endpoint-Weight", "2");
    }

    private static ServicePort lb(ServicePortName n, int hcPort) {
        return new ServicePort(n, ServiceType.LoadBalancer, List.of("172.30.0.1"), 80, 31000, List.of(),
                List.of("1.2.3.4"), List.of(), hcPort == 0 ? TrafficPolicy.Cluster : TrafficPolicy.Local,
                TrafficPolicy.Cluster, SessionAffinity.NONE, hcPort, "");
    }
}
