package io.sluice.core.tracker;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServiceObject;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import io.sluice.core.source.EndpointSliceConverter;
import io.sluice.core.source.ProxyNameSelector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube-proxy pkg/proxy/endpointslicecache.go skips a port whose name is nil ("Ignoring port with nil name"), so its
 * endpoints are not counted either, and the total endpoint count that switches on large-cluster mode (above 1000,
 * pkg/proxy/iptables/proxier.go largeClusterEndpointsThreshold) stays below the threshold.
 */
class NilPortNameEndpointCountTest {

    private static EndpointSlice slice(String portName, int endpoints) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace("ns").withName("big-1")
                .addToLabels(EndpointSliceConverter.SERVICE_NAME_LABEL, "big").endMetadata()
                .withAddressType("IPv4").addNewPort().withName(portName).withPort(8080).withProtocol("TCP").endPort();
        for (int i = 0; i < endpoints; i++) {
            b.addNewEndpoint().withAddresses("10.1." + (i / 250) + "." + (i % 250 + 1)).endEndpoint();
        }
        return b.build();
    }

    private static int endpointCount(String portName) {
        ChangeTracker tracker = new ChangeTracker("node-a");
        ServicePortName spn = ServicePortName.of("ns", "big", "", Protocol.TCP);
        tracker.onServiceUpsert(new ServiceObject(new NamespacedName("ns", "big"), List.of(new ServicePort(spn,
                ServiceType.ClusterIP, List.of("172.30.0.9"), 80, 0, List.of(), List.of(), List.of(),
                TrafficPolicy.Cluster, TrafficPolicy.Cluster, SessionAffinity.NONE, 0, ""))));
        EndpointSliceConverter converter = new EndpointSliceConverter(new ProxyNameSelector(""), (k, o, r) -> { });
        converter.convert(slice(portName, 1001)).ifPresent(tracker::onEndpointSliceUpsert);
        tracker.onInitialSyncDone();
        return tracker.drain().snapshot().endpointCount();
    }

    @Test
    void aNilPortNameContributesNoEndpointsToTheLargeClusterCount() {
        assertThat(endpointCount("")).isEqualTo(1001);
        assertThat(endpointCount(null)).isZero();
    }
}
