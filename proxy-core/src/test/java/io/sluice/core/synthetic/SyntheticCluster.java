package io.sluice.core.synthetic;

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

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A deterministic synthetic cluster for benchmarks and tests: {@code services} Services with {@code endpoints} ready
 * endpoints each, a seeded mix of types (about 70% ClusterIP, 20% NodePort, 10% LoadBalancer; about 5% UDP), one
 * port per Service. The same arguments always give the same cluster, snapshot and YAML.
 *
 * <p>Addressing (documentation-only ranges, never routed anywhere): service i is {@code ns-<i/100>/svc-<i>} with
 * cluster IP in 10.96.0.0/12 ({@code 10.96.0.1} upwards), endpoints in 10.128.0.0/9 spread over {@code nodes} nodes
 * named {@code node-<k>}, node ports from 30000 in order, LoadBalancer IPs in 172.16.0.0/12. The proxy's own node is
 * {@code node-0} at 192.168.0.2.
 *
 * <p>Immutable; {@link #withEndpointChanged} returns a new instance.
 */
public final class SyntheticCluster {
    public static final String NODE_NAME = "node-0";
    public static final String NODE_IP = "192.168.0.2";
    private static final int NODE_PORT_BASE = 30000;
    private static final int NODE_PORT_MAX = 32767;

    private final SortedMap<ServicePortName, ServicePort> services;
    private final SortedMap<ServicePortName, List<Endpoint>> endpoints;
    private final List<ServicePortName> order;
    private final int changes;

    private SyntheticCluster(SortedMap<ServicePortName, ServicePort> services,
                             SortedMap<ServicePortName, List<Endpoint>> endpoints, List<ServicePortName> order,
                             int changes) {
        this.services = services;
        this.endpoints = endpoints;
        this.order = order;
        this.changes = changes;
    }

    /** {@code services} × {@code endpointsPerService}, 10 nodes, seeded type mix. */
    public static SyntheticCluster generate(int services, int endpointsPerService, long seed) {
        if (services < 0 || endpointsPerService < 0 || services > 1_000_000 || endpointsPerService > 1000) {
            throw new IllegalArgumentException("services 0..1000000, endpoints 0..1000");
        }
        Random random = new Random(seed);
        TreeMap<ServicePortName, ServicePort> svcs = new TreeMap<>();
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>();
        List<ServicePortName> order = new ArrayList<>(services);
        int nodePorts = 0;
        int lbs = 0;
        int nodes = 10;
        for (int i = 0; i < services; i++) {
            double r = random.nextDouble();
            boolean udp = random.nextDouble() < 0.05;
            ServiceType type = r < 0.7 ? ServiceType.ClusterIP : r < 0.9 ? ServiceType.NodePort : ServiceType.LoadBalancer;
            int nodePort = 0;
            if (type != ServiceType.ClusterIP) {
                if (NODE_PORT_BASE + nodePorts > NODE_PORT_MAX) {
                    type = ServiceType.ClusterIP; // the node-port range is exhausted, as the API server would say
                } else {
                    nodePort = NODE_PORT_BASE + nodePorts++;
                }
            }
            List<String> lbIps = type == ServiceType.LoadBalancer ? List.of(lbIp(lbs++)) : List.of();
            ServicePortName name = ServicePortName.of("ns-" + (i / 100), "svc-" + i, udp ? "dns" : "http",
                    udp ? Protocol.UDP : Protocol.TCP);
            svcs.put(name, new ServicePort(name, type, List.of(offset(10, 96, i + 1)), udp ? 53 : 80, nodePort,
                    List.of(), lbIps, List.of(), TrafficPolicy.Cluster, TrafficPolicy.Cluster, SessionAffinity.NONE,
                    0, ""));
            List<Endpoint> list = new ArrayList<>(endpointsPerService);
            for (int j = 0; j < endpointsPerService; j++) {
                int n = i * endpointsPerService + j + 1;
                list.add(Endpoint.ready(offset(10, 128, n), udp ? 5353 : 8080).withNodeName("node-" + (n % nodes)));
            }
            list.sort(Comparator.comparing(Endpoint::ipPort));
            if (!list.isEmpty()) {
                eps.put(name, List.copyOf(list));
            }
            order.add(name);
        }
        return new SyntheticCluster(svcs, eps, List.copyOf(order), 0);
    }

    /** The proxy's view: every service port and endpoint, node {@link #NODE_NAME}. */
    public ProxySnapshot snapshot() {
        return new ProxySnapshot(services, endpoints, node());
    }

    public static NodeInfo node() {
        return new NodeInfo(NODE_NAME, List.of(NODE_IP), new TreeMap<>(), false);
    }

    public int serviceCount() {
        return order.size();
    }

    /** The Service generated i-th. */
    public NamespacedName service(int i) {
        return order.get(i).service();
    }

    /**
     * A copy in which endpoint {@code endpointIndex} of service {@code serviceIndex} moved to a fresh address (a pod
     * restarted elsewhere); only that Service changes.
     */
    public SyntheticCluster withEndpointChanged(int serviceIndex, int endpointIndex) {
        ServicePortName name = order.get(serviceIndex);
        List<Endpoint> list = new ArrayList<>(endpoints.getOrDefault(name, List.of()));
        if (endpointIndex < 0 || endpointIndex >= list.size()) {
            throw new IndexOutOfBoundsException("service " + name + " has " + list.size() + " endpoints");
        }
        Endpoint old = list.get(endpointIndex);
        list.set(endpointIndex, new Endpoint(offset(10, 200, changes + 1), old.port(), true, true, false,
                old.nodeName(), old.zone(), Set.of(), Set.of()));
        list.sort(Comparator.comparing(Endpoint::ipPort));
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>(endpoints);
        eps.put(name, List.copyOf(list));
        return new SyntheticCluster(services, eps, order, changes + 1);
    }

    /**
     * Writes the cluster as Kubernetes YAML documents: the Node, then per Service a Namespace-scoped Service and one
     * EndpointSlice ({@code <svc>-1}). Every value is generated here (names, addresses), so nothing needs quoting.
     */
    public void writeYaml(Writer out) throws IOException {
        Objects.requireNonNull(out, "out");
        out.write("apiVersion: v1\nkind: Node\nmetadata:\n  name: " + NODE_NAME + "\nstatus:\n  addresses:\n"
                + "  - type: InternalIP\n    address: " + NODE_IP + "\n");
        for (ServicePortName name : order) {
            ServicePort sp = services.get(name);
            NamespacedName svc = name.service();
            StringBuilder sb = new StringBuilder(512);
            sb.append("---\napiVersion: v1\nkind: Service\nmetadata:\n  namespace: ").append(svc.namespace())
                    .append("\n  name: ").append(svc.name()).append("\nspec:\n  type: ").append(sp.type())
                    .append("\n  clusterIP: ").append(sp.clusterIPs().get(0)).append("\n  ports:\n  - name: ")
                    .append(name.port()).append("\n    protocol: ").append(name.protocol()).append("\n    port: ")
                    .append(sp.port()).append('\n');
            List<Endpoint> eps = endpoints.getOrDefault(name, List.of());
            if (!eps.isEmpty()) {
                sb.append("    targetPort: ").append(eps.get(0).port()).append('\n');
            }
            if (sp.nodePort() != 0) {
                sb.append("    nodePort: ").append(sp.nodePort()).append('\n');
            }
            if (!sp.loadBalancerIPs().isEmpty()) {
                sb.append("status:\n  loadBalancer:\n    ingress:\n");
                sp.loadBalancerIPs().forEach(ip -> sb.append("    - ip: ").append(ip).append('\n'));
            }
            sb.append("---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  namespace: ")
                    .append(svc.namespace()).append("\n  name: ").append(svc.name()).append("-1\n  labels:\n")
                    .append("    kubernetes.io/service-name: ").append(svc.name()).append("\naddressType: IPv4\n");
            if (eps.isEmpty()) {
                sb.append("endpoints: []\n");
            } else {
                sb.append("endpoints:\n");
                for (Endpoint ep : eps) {
                    sb.append("- addresses:\n  - ").append(ep.ip()).append("\n  conditions:\n    ready: true\n")
                            .append("  nodeName: ").append(ep.nodeName()).append('\n');
                }
            }
            sb.append("ports:\n- name: ").append(name.port()).append("\n  protocol: ").append(name.protocol())
                    .append("\n  port: ").append(eps.isEmpty() ? sp.port() : eps.get(0).port()).append('\n');
            out.write(sb.toString());
        }
    }

    /**
     * Writes a cluster's YAML to stdout: {@code SyntheticCluster SERVICES ENDPOINTS [SEED]}, e.g. to give the file
     * source a large cluster.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: SyntheticCluster SERVICES ENDPOINTS_PER_SERVICE [SEED]");
            System.exit(2);
        }
        SyntheticCluster c = generate(Integer.parseInt(args[0]), Integer.parseInt(args[1]),
                args.length == 3 ? Long.parseLong(args[2]) : 1);
        Writer out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(System.out,
                java.nio.charset.StandardCharsets.UTF_8));
        c.writeYaml(out);
        out.flush();
    }

    /** a.b.0.0 + n, with n < 2^16 * (256 - b). */
    private static String offset(int a, int b, int n) {
        return a + "." + (b + (n >> 16)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private static String lbIp(int n) {
        return offset(172, 16, n + 1);
    }

    /** Services by name, for callers that want to inspect the generated mix. */
    public Map<ServicePortName, ServicePort> services() {
        return services;
    }
}
