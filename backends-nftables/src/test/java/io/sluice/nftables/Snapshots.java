package io.sluice.nftables;

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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Small builders of snapshots for behaviour tests (node "node-a", 192.168.0.2 and 2001:db8::2). */
final class Snapshots {
    static final String NODE = "node-a";

    private final TreeMap<ServicePortName, ServicePort> services = new TreeMap<>();
    private final TreeMap<ServicePortName, List<Endpoint>> endpoints = new TreeMap<>();
    private NodeInfo node = new NodeInfo(NODE, List.of("192.168.0.2"), new TreeMap<>(), false);
    private List<String> serviceCIDRs = List.of("10.96.0.0/16");

    static ServicePortName spn(String ns, String name, String port) {
        return ServicePortName.of(ns, name, port, Protocol.TCP);
    }

    /** A ClusterIP service port 80. */
    static ServicePort clusterIP(String ns, String name, String... ips) {
        return new ServicePort(spn(ns, name, "http"), ServiceType.ClusterIP, List.of(ips), 80, 0, List.of(), List.of(),
                List.of(), TrafficPolicy.Cluster, TrafficPolicy.Cluster, SessionAffinity.NONE, 0, "");
    }

    static ServicePort nodePort(String ns, String name, int nodePort, TrafficPolicy etp, String... ips) {
        return new ServicePort(spn(ns, name, "http"), ServiceType.NodePort, List.of(ips), 80, nodePort, List.of(),
                List.of(), List.of(), etp, TrafficPolicy.Cluster, SessionAffinity.NONE, 0, "");
    }

    static Endpoint ep(String ip, String node) {
        return Endpoint.ready(ip, 8080).withNodeName(node);
    }

    static Endpoint terminating(String ip, String node) {
        return new Endpoint(ip, 8080, false, true, true, node, "", Set.of(), Set.of());
    }

    Snapshots service(ServicePort sp, Endpoint... eps) {
        services.put(sp.name(), sp);
        if (eps.length > 0) {
            endpoints.put(sp.name(), new ArrayList<>(List.of(eps)));
        } else {
            endpoints.remove(sp.name());
        }
        return this;
    }

    Snapshots remove(ServicePortName name) {
        services.remove(name);
        endpoints.remove(name);
        return this;
    }

    Snapshots node(NodeInfo n) {
        node = n;
        return this;
    }

    Snapshots nodeAddresses(String... addrs) {
        node = new NodeInfo(NODE, List.of(addrs), new TreeMap<>(Map.of()), false);
        return this;
    }

    Snapshots serviceCIDRs(String... cidrs) {
        serviceCIDRs = List.of(cidrs);
        return this;
    }

    ProxySnapshot build() {
        return new ProxySnapshot(services, endpoints, node, serviceCIDRs);
    }
}
