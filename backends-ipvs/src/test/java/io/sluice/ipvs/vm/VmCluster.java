package io.sluice.ipvs.vm;

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
import java.util.TreeMap;

/**
 * Builds the {@link ProxySnapshot}s the VM tests sync: services in namespace {@value #NAMESPACE} whose endpoints are
 * {@link Pod}s, on the node {@value #NODE} with {@link PodNetwork#NODE_IP}. Mutable builder; {@link #snapshot()}
 * returns an immutable copy.
 */
final class VmCluster {
    static final String NAMESPACE = "vmtest";
    static final String NODE = "vm-node";

    private final TreeMap<ServicePortName, ServicePort> services = new TreeMap<>();
    private final TreeMap<ServicePortName, List<Endpoint>> endpoints = new TreeMap<>();

    /** Adds or replaces a service port and its endpoints ({@code pods} on {@code targetPort}, ready, on this node). */
    VmCluster put(ServicePort port, int targetPort, List<Pod> pods) {
        services.put(port.name(), port);
        List<Endpoint> eps = new ArrayList<>();
        for (Pod p : pods) {
            eps.add(Endpoint.ready(p.ip(), targetPort).withNodeName(NODE));
        }
        endpoints.put(port.name(), eps);
        return this;
    }

    ProxySnapshot snapshot() {
        return new ProxySnapshot(services, endpoints,
                new NodeInfo(NODE, List.of(PodNetwork.NODE_IP), new TreeMap<>(), false));
    }

    /** A TCP (or UDP) ClusterIP service port named {@code name}/{@code "p"}. */
    static Svc svc(String name, Protocol protocol, String clusterIP, int port) {
        return new Svc(ServicePortName.of(NAMESPACE, name, "p", protocol), clusterIP, port);
    }

    /** Service port builder. */
    static final class Svc {
        private final ServicePortName name;
        private final String clusterIP;
        private final int port;
        private ServiceType type = ServiceType.ClusterIP;
        private int nodePort;
        private List<String> lbIPs = List.of();
        private List<String> sourceRanges = List.of();
        private SessionAffinity affinity = SessionAffinity.NONE;

        private Svc(ServicePortName name, String clusterIP, int port) {
            this.name = name;
            this.clusterIP = clusterIP;
            this.port = port;
        }

        Svc nodePort(int p) {
            nodePort = p;
            if (type == ServiceType.ClusterIP) {
                type = ServiceType.NodePort;
            }
            return this;
        }

        Svc loadBalancer(String ip, String... ranges) {
            type = ServiceType.LoadBalancer;
            lbIPs = List.of(ip);
            sourceRanges = List.of(ranges);
            return this;
        }

        Svc clientIPAffinity(int seconds) {
            affinity = new SessionAffinity(seconds);
            return this;
        }

        ServicePort build() {
            return new ServicePort(name, type, List.of(clusterIP), port, nodePort, List.of(), lbIPs, sourceRanges,
                    TrafficPolicy.Cluster, TrafficPolicy.Cluster, affinity, 0, "");
        }
    }
}
