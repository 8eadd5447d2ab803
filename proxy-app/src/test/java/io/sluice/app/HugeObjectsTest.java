package io.sluice.app;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.metrics.ProxyMetrics;
import io.sluice.core.model.IpFamily;
import io.sluice.core.source.ObjectDispatcher;
import io.sluice.core.tracker.ChangeTracker;
import io.sluice.iptables.IptablesBackend;
import io.sluice.iptables.exec.FakeIptables;
import io.sluice.iptables.exec.FakeIptablesSystem;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Objects the API server accepts but that are huge must not take the node down: from fabric8 objects through the
 * source's conversion, the change tracker and the iptables backend (into an in-memory kernel). A Service with 10,000
 * endpoints, one with 1,000 ports and one with names at their maximum lengths are programmed; one with 1,000 ports
 * and 10,000 endpoints (ten million port x endpoint pairs) is left without endpoints, with one log line and
 * {@code sluice_invalid_objects_total{kind="Service",reason="too-many-endpoints"}}, while the others stay programmed.
 */
class HugeObjectsTest {
    static final String NS_63 = "n" + "s".repeat(61) + "1";
    static final String NAME_63 = "s" + "v".repeat(61) + "c";

    final ProxyMetrics metrics = new ProxyMetrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), List.of(IpFamily.IPv4));
    final ChangeTracker tracker = new ChangeTracker("node-a");
    final ObjectDispatcher dispatcher = new ObjectDispatcher(tracker, "", metrics);
    final FakeIptablesSystem system = new FakeIptablesSystem();
    final FakeIptables kernel = system.fake(IpFamily.IPv4);

    @Test
    void givenHugeServicesWhenSyncedThenTheyAreProgrammedOrSkippedWithACounter() throws Exception {
        tracker.setInvalidObjectListener(metrics);
        dispatcher.upsert(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().withNewStatus()
                .addNewAddress().withType("InternalIP").withAddress("192.168.10.11").endAddress().endStatus().build());
        // 10,000 endpoints in one Service: ten slices of 1,000 (the API server's maximum per slice)
        dispatcher.upsert(service("big", "wide-eps", "10.96.1.1", 1));
        for (int s = 0; s < 10; s++) {
            dispatcher.upsert(slice("big", "wide-eps", s, 1, 1_000, 0));
        }
        // 1,000 ports: ten slices of 100 ports (the maximum per slice) over the same 10 endpoints
        dispatcher.upsert(service("big", "many-ports", "10.96.1.2", 1_000));
        for (int s = 0; s < 10; s++) {
            dispatcher.upsert(slice("big", "many-ports", s, 100, 10, s * 100));
        }
        // Names at their maximum lengths (DNS-1123 labels of 63 characters, 15-character port names)
        dispatcher.upsert(service(NS_63, NAME_63, "10.96.1.3", 1));
        dispatcher.upsert(slice(NS_63, NAME_63, 0, 1, 3, 0));
        // Both at once: 1,000 ports x 10,000 endpoints
        dispatcher.upsert(service("big", "both", "10.96.1.4", 1_000));
        for (int s = 0; s < 10; s++) {
            for (int p = 0; p < 10; p++) {
                dispatcher.upsert(sliceNamed("big", "both", "both-" + s + "-" + p, 100, 1_000, p * 100, s * 1_000));
            }
        }
        tracker.onInitialSyncDone();

        ProxyConfig cfg = ProxyConfig.defaults("node-a");
        IptablesBackend backend = new IptablesBackend(new BackendContext(cfg, metrics, KernelAssumptions.UPSTREAM_TESTS,
                Clock.systemUTC(), () -> { }), system);
        backend.sync(SyncRequest.full(tracker.currentSnapshot()));

        List<String> nat = kernel.chains("nat");
        assertThat(nat.stream().filter(c -> c.startsWith("KUBE-SEP-")).count())
                .as("10,000 + 1,000 x 10 + 3 endpoint chains").isEqualTo(10_000 + 10_000 + 3);
        assertThat(nat.stream().filter(c -> c.startsWith("KUBE-SVC-")).count()).isEqualTo(1 + 1_000 + 1);
        assertThat(kernel.rules("nat", "KUBE-SERVICES").orElseThrow()).anyMatch(r -> r.contains(NS_63 + "/" + NAME_63
                + ":p0 cluster IP"));
        assertThat(kernel.rules("filter", "KUBE-SERVICES").orElseThrow())
                .as("the skipped Service's ports reject like ports without endpoints")
                .anyMatch(r -> r.contains("big/both:p999 has no endpoints"));
        assertThat(kernel.rules("nat", "KUBE-SERVICES").orElseThrow()).noneMatch(r -> r.contains("big/both:"));
        assertThat(metrics.scrape()).contains(
                "sluice_invalid_objects_total{kind=\"Service\",reason=\"too-many-endpoints\"} 1.0");

        // A further change to the skipped Service is not logged or counted again
        dispatcher.upsert(sliceNamed("big", "both", "both-0-0", 100, 1_000, 0, 50_000));
        backend.sync(new SyncRequest(tracker.currentSnapshot(), java.util.Set.of(), false));
        assertThat(metrics.scrape()).contains(
                "sluice_invalid_objects_total{kind=\"Service\",reason=\"too-many-endpoints\"} 1.0");
        assertThat(kernel.chains("nat").stream().filter(c -> c.startsWith("KUBE-SEP-")).count())
                .isEqualTo(10_000 + 10_000 + 3);
    }

    static Service service(String ns, String name, String clusterIP, int ports) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIP).endSpec();
        for (int p = 0; p < ports; p++) {
            b.editSpec().addToPorts(new ServicePortBuilder().withName("p" + p).withPort(1000 + p).withProtocol("TCP")
                    .withNewTargetPort(20000 + p).build()).endSpec();
        }
        return b.build();
    }

    static EndpointSlice slice(String ns, String service, int index, int ports, int endpoints, int firstPort) {
        return sliceNamed(ns, service, service.substring(0, Math.min(service.length(), 50)) + "-" + index, ports,
                endpoints, firstPort, index * endpoints);
    }

    static EndpointSlice sliceNamed(String ns, String service, String name, int ports, int endpoints, int firstPort,
                                    int firstEndpoint) {
        List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> ps = new ArrayList<>();
        for (int p = firstPort; p < firstPort + ports; p++) {
            ps.add(new EndpointPortBuilder().withName("p" + p).withPort(20000 + p).withProtocol("TCP").build());
        }
        List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> eps = new ArrayList<>();
        for (int e = firstEndpoint; e < firstEndpoint + endpoints; e++) {
            eps.add(new EndpointBuilder().withAddresses("10." + (100 + e / 65536) + "." + (e / 256 % 256) + "." + (e % 256))
                    .withNewConditions().withReady(true).endConditions().withNodeName("node-" + (e % 50)).build());
        }
        return new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(name)
                .addToLabels("kubernetes.io/service-name", service).endMetadata().withAddressType("IPv4")
                .withPorts(ps).withEndpoints(eps).build();
    }

}
