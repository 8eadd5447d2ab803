package io.sluice.ipvs;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** Small builder of test snapshots. */
final class Snap {
    static final String NODE = "node1";
    static final String NODE_IP = "192.168.0.2";

    private final TreeMap<ServicePortName, ServicePort> services = new TreeMap<>();
    private final TreeMap<ServicePortName, List<Endpoint>> endpoints = new TreeMap<>();
    private List<String> nodeAddresses = List.of(NODE_IP);

    static Snap create() {
        return new Snap();
    }

    Snap nodeAddresses(String... a) {
        nodeAddresses = List.of(a);
        return this;
    }

    /** A service port builder. */
    static final class Svc {
        final ServicePortName name;
        ServiceType type = ServiceType.ClusterIP;
        List<String> clusterIPs = List.of();
        int port = 80;
        int nodePort;
        List<String> externalIPs = List.of();
        List<String> lbIPs = List.of();
        List<String> ranges = List.of();
        TrafficPolicy etp = TrafficPolicy.Cluster;
        TrafficPolicy itp = TrafficPolicy.Cluster;
        SessionAffinity affinity = SessionAffinity.NONE;
        int hcnp;

        Svc(String ns, String n, String portName, Protocol p) {
            name = ServicePortName.of(ns, n, portName, p);
        }

        Svc clusterIP(String... ips) {
            clusterIPs = List.of(ips);
            return this;
        }

        Svc port(int p) {
            port = p;
            return this;
        }

        Svc nodePort(int p) {
            nodePort = p;
            if (type == ServiceType.ClusterIP) {
                type = ServiceType.NodePort;
            }
            return this;
        }

        Svc externalIPs(String... ips) {
            externalIPs = List.of(ips);
            return this;
        }

        Svc loadBalancer(String... ips) {
            type = ServiceType.LoadBalancer;
            lbIPs = List.of(ips);
            return this;
        }

        Svc sourceRanges(String... r) {
            ranges = List.of(r);
            return this;
        }

        Svc etpLocal() {
            etp = TrafficPolicy.Local;
            return this;
        }

        Svc itpLocal() {
            itp = TrafficPolicy.Local;
            return this;
        }

        Svc affinity(int seconds) {
            affinity = new SessionAffinity(seconds);
            return this;
        }

        Svc healthCheckNodePort(int p) {
            hcnp = p;
            return this;
        }

        ServicePort build() {
            return new ServicePort(name, type, clusterIPs, port, nodePort, externalIPs, lbIPs, ranges, etp, itp,
                    affinity, hcnp, "");
        }
    }

    static Svc svc(String ns, String name) {
        return new Svc(ns, name, "p80", Protocol.TCP);
    }

    static Svc svc(String ns, String name, String port, Protocol p) {
        return new Svc(ns, name, port, p);
    }

    Snap add(Svc s, Endpoint... eps) {
        ServicePort sp = s.build();
        services.put(sp.name(), sp);
        List<Endpoint> l = new ArrayList<>(List.of(eps));
        l.sort((a, b) -> a.ipPort().compareTo(b.ipPort()));
        endpoints.put(sp.name(), l);
        return this;
    }

    static Endpoint ep(String ip, int port) {
        return Endpoint.ready(ip, port).withNodeName("node2");
    }

    static Endpoint local(String ip, int port) {
        return Endpoint.ready(ip, port).withNodeName(NODE);
    }

    static Endpoint terminating(String ip, int port, String node) {
        return new Endpoint(ip, port, false, true, true, node, "", Set.of(), Set.of());
    }

    ProxySnapshot build() {
        return new ProxySnapshot(services, endpoints, new NodeInfo(NODE, nodeAddresses, new TreeMap<>(), false));
    }

    /** The services whose ports or endpoints differ between two snapshots (what the sync engine reports). */
    static java.util.Set<io.sluice.core.model.NamespacedName> changed(ProxySnapshot before, ProxySnapshot after) {
        java.util.Set<io.sluice.core.model.NamespacedName> out = new java.util.TreeSet<>();
        java.util.Set<io.sluice.core.model.ServicePortName> names = new java.util.TreeSet<>(before.services().keySet());
        names.addAll(after.services().keySet());
        names.addAll(before.endpoints().keySet());
        names.addAll(after.endpoints().keySet());
        for (io.sluice.core.model.ServicePortName n : names) {
            if (!java.util.Objects.equals(before.services().get(n), after.services().get(n))
                    || !before.endpointsOf(n).equals(after.endpointsOf(n))) {
                out.add(n.service());
            }
        }
        return out;
    }
}
