package io.sluice.app.lab;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServicePortName;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lab's synthetic cluster as API objects: {@code services} ClusterIP Services of one TCP port, each with one
 * EndpointSlice of {@code endpoints} ready endpoints, shaped like what a real API server returns (labels, a
 * managedFields entry, endpoint targetRefs and node names), so informer caches hold what they would in production.
 *
 * <p>Service {@code i} is {@code lab-<i%50>/svc-<i>} at 10.96.0.0/12 + i + 1; its endpoint {@code k} is at
 * 10.128.0.0/10 + i*endpoints + k + 1, port 8080. Deterministic; stateless.
 */
public final class LabCluster {
    public static final String NODE = "node-lab";
    public static final int PORT = 80;
    public static final int TARGET_PORT = 8080;
    private static final int CLUSTER_IP_BASE = ip(10, 96, 0, 0);
    private static final int ENDPOINT_BASE = ip(10, 128, 0, 0);
    /** Addresses given to endpoints by changes: 10.192.0.0/10, never overlapping the initial ones. */
    private static final int CHANGED_BASE = ip(10, 192, 0, 0);

    private final int services;
    private final int endpoints;

    public LabCluster(int services, int endpoints) {
        this.services = services;
        this.endpoints = endpoints;
    }

    public int services() {
        return services;
    }

    public int endpoints() {
        return endpoints;
    }

    public static String namespace(int i) {
        return "lab-" + (i % 50);
    }

    public static String name(int i) {
        return "svc-" + i;
    }

    public static String sliceName(int i) {
        return "svc-" + i + "-x1";
    }

    public static ServicePortName portName(int i) {
        return ServicePortName.of(namespace(i), name(i), "http", Protocol.TCP);
    }

    public static String clusterIP(int i) {
        return dotted(CLUSTER_IP_BASE + i + 1);
    }

    public String endpointIP(int i, int k) {
        return dotted(ENDPOINT_BASE + i * endpoints + k + 1);
    }

    /** The address the {@code n}-th change gives an endpoint (unique per n). */
    public static String changedIP(int n) {
        return dotted(CHANGED_BASE + n + 1);
    }

    public static Node node() {
        return new NodeBuilder().withNewMetadata().withName(NODE).addToLabels("kubernetes.io/hostname", NODE)
                .endMetadata().withNewStatus().addNewAddress().withType("InternalIP").withAddress("192.168.77.1")
                .endAddress().endStatus().build();
    }

    public Service service(int i) {
        return new ServiceBuilder().withNewMetadata().withName(name(i)).withNamespace(namespace(i))
                .addToLabels("app", name(i))
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl-client-side-apply")
                        .withOperation("Update").withApiVersion("v1").withFieldsType("FieldsV1")
                        .withTime("2026-01-01T00:00:00Z").build())
                .endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIP(i)).withClusterIPs(clusterIP(i))
                .withIpFamilies("IPv4").withIpFamilyPolicy("SingleStack").withSessionAffinity("None")
                .withInternalTrafficPolicy("Cluster").addToSelector("app", name(i))
                .addNewPort().withName("http").withPort(PORT).withProtocol("TCP").withNewTargetPort(TARGET_PORT)
                .endPort().endSpec().build();
    }

    /** The slice of service {@code i} with endpoint {@code k} replaced by {@code replacement} when not null. */
    public EndpointSlice slice(int i, Map<Integer, String> replacements, Instant triggerTime) {
        List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> eps = new ArrayList<>(endpoints);
        for (int k = 0; k < endpoints; k++) {
            String ip = replacements.getOrDefault(k, endpointIP(i, k));
            eps.add(new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(true).withServing(true)
                    .withTerminating(false).endConditions().withNodeName("node-" + (k % 100))
                    .withNewTargetRef().withKind("Pod").withNamespace(namespace(i)).withName(name(i) + "-pod-" + k)
                    .withUid("00000000-0000-0000-0000-" + String.format("%012d", (long) i * 100 + k)).endTargetRef()
                    .build());
        }
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName(sliceName(i))
                .withNamespace(namespace(i)).addToLabels("kubernetes.io/service-name", name(i))
                .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kube-controller-manager")
                        .withOperation("Update").withApiVersion("discovery.k8s.io/v1").withFieldsType("FieldsV1")
                        .withTime("2026-01-01T00:00:00Z").build())
                .endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withPort(TARGET_PORT).withProtocol("TCP")
                .endPort().withEndpoints(eps);
        if (triggerTime != null) {
            b.editMetadata().addToAnnotations("endpoints.kubernetes.io/last-change-trigger-time",
                    triggerTime.toString()).endMetadata();
        }
        return b.build();
    }

    static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    static String dotted(int v) {
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }
}
