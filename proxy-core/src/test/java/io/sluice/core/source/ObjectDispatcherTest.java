package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

import static io.sluice.core.source.Fixtures.service;
import static io.sluice.core.source.Fixtures.sliceOf;
import static org.assertj.core.api.Assertions.assertThat;

class ObjectDispatcherTest {
    private final RecordingHandler handler = new RecordingHandler();
    private final RecordingListener listener = new RecordingListener();
    private final ObjectDispatcher dispatcher = new ObjectDispatcher(handler, "", listener);

    @Test
    void validObjectsAreUpserted() {
        dispatcher.upsert(service("ns1", "svc1"));
        dispatcher.upsert(sliceOf("ns1", "svc1-a", "svc1", "10.0.0.1"));
        dispatcher.upsert(Fixtures.node("node-1", "10.0.0.9"));
        assertThat(handler.calls).containsExactly("service-upsert ns1/svc1 ports=1", "slice-upsert ns1/svc1-a",
                "node-upsert node-1 deleting=false");
    }

    @Test
    void rejectedServiceIsDeliveredAbsent() {
        dispatcher.upsert(service("ns1", "svc1", "300.0.0.1").build());
        assertThat(handler.calls).containsExactly("service-upsert ns1/svc1 ports=0");
        assertThat(listener.reasons()).containsExactly("invalid-cluster-ip");
    }

    @Test
    void rejectedOrIgnoredSliceIsDeliveredAsDelete() {
        dispatcher.upsert(new EndpointSliceBuilder(sliceOf("ns1", "svc1-a", "svc1", "10.0.0.1")).editMetadata()
                .addToLabels(EndpointSliceConverter.SERVICE_NAME_LABEL, "svc1 && reboot").endMetadata().build());
        dispatcher.upsert(new EndpointSliceBuilder(sliceOf("ns1", "svc1-b", "svc1", "10.0.0.1"))
                .withAddressType("FQDN").build());
        assertThat(handler.calls).containsExactly("slice-delete ns1/svc1-a", "slice-delete ns1/svc1-b");
        assertThat(listener.reasons()).containsExactly("invalid-name");
    }

    @Test
    void deletesUseTheFinalObject() {
        dispatcher.delete(service("ns1", "svc1"));
        dispatcher.delete(sliceOf("ns1", "svc1-a", "svc1"));
        dispatcher.delete(Fixtures.node("node-1", "10.0.0.9"));
        assertThat(handler.calls).containsExactly("service-delete ns1/svc1", "slice-delete ns1/svc1-a",
                "node-upsert node-1 deleting=true");
        assertThat(handler.lastNode.addresses()).isEmpty();
    }

    @Test
    void otherKindsAreIgnored() {
        dispatcher.upsert(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata().build());
        dispatcher.delete(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata().build());
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void printableEscapesControlCharactersAndCutsLongValues() {
        assertThat(KubeNames.printable("a\nb\u0000c\\d\u00e9")).isEqualTo("a\\u000ab\\u0000c\\\\d\\u00e9");
        assertThat(KubeNames.printable("x".repeat(500))).hasSize(128 + 3).endsWith("...");
        assertThat(KubeNames.printable(null)).isEqualTo("<null>");
        assertThat(KubeNames.isDns1123Label("a-1")).isTrue();
        assertThat(KubeNames.isDns1123Label("-a")).isFalse();
        assertThat(KubeNames.isDns1123Subdomain("node-1.example.com")).isTrue();
        assertThat(KubeNames.isDns1123Subdomain("node..1")).isFalse();
        assertThat(KubeNames.isPortName("")).isTrue();
    }
}
