package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.sluice.core.model.NodeInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeConverterTest {
    private final RecordingListener listener = new RecordingListener();
    private final NodeConverter converter = new NodeConverter(listener);

    @Test
    void addressesAreInternalThenExternalInStatusOrderCanonical() {
        Node node = new NodeBuilder().withNewMetadata().withName("node-1")
                .addToLabels(NodeInfo.ZONE_LABEL, "zone-a").endMetadata()
                .withNewStatus()
                .addNewAddress().withType("ExternalIP").withAddress("203.0.113.7").endAddress()
                .addNewAddress().withType("Hostname").withAddress("node-1").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("192.168.000.010").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("FD00::10").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("not-an-ip").endAddress()
                .endStatus().build();
        NodeInfo info = converter.convert(node).orElseThrow();

        assertThat(info.name()).isEqualTo("node-1");
        assertThat(info.addresses()).containsExactly("192.168.0.10", "fd00::10", "203.0.113.7");
        assertThat(info.labels()).containsEntry(NodeInfo.ZONE_LABEL, "zone-a");
        assertThat(info.zone()).isEqualTo("zone-a");
        assertThat(info.deleting()).isFalse();
        assertThat(listener.reasons()).containsExactly("invalid-node-address");
    }

    @Test
    void deletionTimestampMeansDeleting() {
        Node node = new NodeBuilder(Fixtures.node("node-1", "10.0.0.1")).editMetadata()
                .withDeletionTimestamp("2024-05-01T10:00:00Z").endMetadata().build();
        assertThat(converter.convert(node).orElseThrow().deleting()).isTrue();
    }

    @Test
    void autoscalerTaintMeansDeleting() {
        Node node = new NodeBuilder(Fixtures.node("node-1", "10.0.0.1")).withNewSpec().addNewTaint()
                .withKey(NodeConverter.TO_BE_DELETED_TAINT).withEffect("NoSchedule").endTaint().endSpec().build();
        assertThat(converter.convert(node).orElseThrow().deleting()).isTrue();
    }

    @Test
    void hostileNodeNameIsRejected() {
        assertThat(converter.convert(Fixtures.node("node\n1", "10.0.0.1"))).isEmpty();
        assertThat(listener.reasons()).containsExactly("invalid-name");
    }

    /** NodeCIDR detection reads spec.podCIDRs (kube-proxy server_linux.go getLocalDetectors), else spec.podCIDR. */
    @Test
    void podCidrsAreReadCanonicalWithTheSingleFieldAsFallback() {
        Node dual = new NodeBuilder(Fixtures.node("node-1", "10.0.0.1")).withNewSpec()
                .withPodCIDRs("10.244.3.0/24", "FD00:3::/64", "bogus").endSpec().build();
        assertThat(converter.convert(dual).orElseThrow().podCIDRs()).containsExactly("10.244.3.0/24", "fd00:3::/64");
        assertThat(listener.reasons()).containsExactly("invalid-pod-cidr");

        Node single = new NodeBuilder(Fixtures.node("node-1", "10.0.0.1")).withNewSpec()
                .withPodCIDR("10.244.4.0/24").endSpec().build();
        assertThat(converter.convert(single).orElseThrow().podCIDRs()).containsExactly("10.244.4.0/24");
        assertThat(converter.convert(Fixtures.node("node-1", "10.0.0.1")).orElseThrow().podCIDRs()).isEmpty();
    }
}
