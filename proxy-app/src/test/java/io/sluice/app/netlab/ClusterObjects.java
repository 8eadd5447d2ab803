package io.sluice.app.netlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Kubernetes objects file a packet-flow test hands to {@code sluice run --objects}: the lab's Node plus
 * Services and EndpointSlices, as JSON documents in a List (no YAML subtleties in test code).
 */
public final class ClusterObjects {
    public static final String NODE_NAME = "node-a";
    private final List<String> items = new ArrayList<>();

    /** The lab's Node with InternalIP {@link NetLab#NODE_IP}. */
    public ClusterObjects() {
        this(List.of(NetLab.NODE_IP));
    }

    private ClusterObjects(List<String> nodeInternalIps) {
        String addresses = nodeInternalIps.stream()
                .map(ip -> "{\"type\":\"InternalIP\",\"address\":\"%s\"}".formatted(ip))
                .collect(java.util.stream.Collectors.joining(","));
        items.add("""
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s"},
                 "status":{"addresses":[%s]}}""".formatted(NODE_NAME, addresses));
    }

    /** The lab's Node with InternalIP {@link NetLab#NODE_IP} and {@code spec.podCIDRs} (for detectLocalMode NodeCIDR). */
    public static ClusterObjects withPodCidrs(String... podCidrs) {
        ClusterObjects o = new ClusterObjects();
        String cidrs = java.util.Arrays.stream(podCidrs).map(c -> "\"" + c + "\"")
                .collect(java.util.stream.Collectors.joining(","));
        o.items.set(0, """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s"},"spec":{"podCIDRs":[%s]},
                 "status":{"addresses":[{"type":"InternalIP","address":"%s"}]}}""".formatted(NODE_NAME, cidrs,
                NetLab.NODE_IP));
        return o;
    }

    /** The lab's Node with one InternalIP per given address, in order (a dual-stack node: one of each family). */
    public static ClusterObjects withNodeIps(String... internalIps) {
        return new ClusterObjects(List.of(internalIps));
    }

    /** A Service; {@code extraSpec} is raw JSON members appended to spec (e.g. {@code "type":"NodePort"}). */
    public ClusterObjects service(String ns, String name, String clusterIP, String portsJson, String extraSpec,
                                  String statusJson) {
        items.add("""
                {"apiVersion":"v1","kind":"Service","metadata":{"namespace":"%s","name":"%s"},
                 "spec":{"clusterIP":"%s","ports":%s%s}%s}""".formatted(ns, name, clusterIP, portsJson,
                extraSpec.isEmpty() ? "" : "," + extraSpec,
                statusJson.isEmpty() ? "" : ",\"status\":" + statusJson));
        return this;
    }

    /** A TCP ClusterIP Service with one port named "p", port {@code port}. */
    public ClusterObjects clusterIp(String ns, String name, String clusterIP, int port) {
        return service(ns, name, clusterIP, "[{\"name\":\"p\",\"port\":%d,\"protocol\":\"TCP\"}]".formatted(port), "", "");
    }

    /** An EndpointSlice for port name "p" (target port {@code port}, protocol {@code proto}). */
    public ClusterObjects slice(String ns, String service, String proto, int port, Endpoint... endpoints) {
        return slice(ns, service, service + "-1", "IPv4", proto, port, endpoints);
    }

    /** An IPv6 EndpointSlice named SERVICE-v6 for port name "p"; a service may have it next to an IPv4 one. */
    public ClusterObjects slice6(String ns, String service, String proto, int port, Endpoint... endpoints) {
        return slice(ns, service, service + "-v6", "IPv6", proto, port, endpoints);
    }

    /** An EndpointSlice of the given name and addressType ("IPv4", "IPv6") for port name "p". */
    public ClusterObjects slice(String ns, String service, String sliceName, String addressType, String proto, int port,
                                Endpoint... endpoints) {
        StringBuilder eps = new StringBuilder();
        for (Endpoint e : endpoints) {
            if (eps.length() > 0) {
                eps.append(',');
            }
            eps.append("{\"addresses\":[\"").append(e.ip).append("\"]");
            if (e.node != null) {
                eps.append(",\"nodeName\":\"").append(e.node).append('"');
            }
            if (e.conditions != null) {
                eps.append(",\"conditions\":").append(e.conditions);
            }
            eps.append('}');
        }
        items.add("""
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
                 "metadata":{"namespace":"%s","name":"%s","labels":{"kubernetes.io/service-name":"%s"}},
                 "addressType":"%s","ports":[{"name":"p","port":%d,"protocol":"%s"}],
                 "endpoints":[%s]}""".formatted(ns, sliceName, service, addressType, port, proto, eps));
        return this;
    }

    /**
     * A ServiceCIDR (networking.k8s.io/v1, cluster-scoped): the ranges the API server allocates cluster IPs from.
     * kube-proxy's nftables mode drops traffic to addresses in them that no Service holds (pkg/proxy/nftables/proxier.go
     * setupNFTables, "Drop traffic to unallocated ClusterIPs"); other modes ignore the kind.
     */
    public ClusterObjects serviceCidr(String name, String... cidrs) {
        items.add("""
                {"apiVersion":"networking.k8s.io/v1","kind":"ServiceCIDR","metadata":{"name":"%s"},
                 "spec":{"cidrs":[%s]}}""".formatted(name, java.util.Arrays.stream(cidrs).map(c -> '"' + c + '"')
                .collect(java.util.stream.Collectors.joining(","))));
        return this;
    }

    public static Endpoint ep(String ip, String node) {
        return new Endpoint(ip, node, null);
    }

    public static Endpoint terminating(String ip, String node) {
        return new Endpoint(ip, node, "{\"ready\":false,\"serving\":true,\"terminating\":true}");
    }

    /** An endpoint: address, node name (null for none), raw conditions JSON (null for unset). */
    public record Endpoint(String ip, String node, String conditions) {
    }

    public Path write(Path file) throws IOException {
        Files.writeString(file, "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n"
                + String.join(",\n", items) + "\n]}\n");
        return file;
    }
}
