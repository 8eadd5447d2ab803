package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

/** fabric8 objects for tests: a ClusterIP Service with one TCP port "p80", and matching slices. */
final class Fixtures {
    private Fixtures() {
    }

    static ServiceBuilder service(String ns, String name, String clusterIP) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIP)
                .addNewPort().withName("p80").withPort(80).withProtocol("TCP")
                .withTargetPort(new IntOrString(8080)).endPort()
                .endSpec();
    }

    static Service service(String ns, String name) {
        return service(ns, name, "172.30.0.41").build();
    }

    static EndpointSliceBuilder slice(String ns, String name, String service, String... ips) {
        EndpointSliceBuilder b = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(ns).withName(name)
                .addToLabels(EndpointSliceConverter.SERVICE_NAME_LABEL, service).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("p80").withPort(8080).withProtocol("TCP").endPort();
        for (String ip : ips) {
            b.addToEndpoints(new EndpointBuilder().withAddresses(ip).build());
        }
        return b;
    }

    static EndpointSlice sliceOf(String ns, String name, String service, String... ips) {
        return slice(ns, name, service, ips).build();
    }

    static Node node(String name, String internalIP) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIP).endAddress()
                .endStatus().build();
    }
}
