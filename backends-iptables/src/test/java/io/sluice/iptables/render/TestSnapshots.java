package io.sluice.iptables.render;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpFamily;
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

/** Builders for renderer tests: services, endpoints, options (upstream NewFakeProxier defaults). */
final class TestSnapshots {
    static final String NODE = "test-node";

    private TestSnapshots() {
    }

    /** upstream's fake proxier: IPv4, test-node, 192.168.0.2, 0x4000, ClusterCIDR 10.0.0.0/8, nfacct, no random-fully. */
    static Opts opts() {
        return new Opts();
    }

    static final class Opts {
        IpFamily family = IpFamily.IPv4;
        List<String> nodeIPs = List.of("192.168.0.2");
        String mark = "0x4000";
        boolean masqueradeAll;
        LocalDetector detector = new LocalDetector.ClusterCidr("10.0.0.0/8");
        boolean localhostNodePorts = true;
        List<String> nodePortAddresses = List.of();
        boolean liberal;
        boolean randomFully;
        boolean nfacct = true;

        Opts ipv6() {
            family = IpFamily.IPv6;
            nodeIPs = List.of("fd00:10::2");
            detector = new LocalDetector.ClusterCidr("fd00:10:244::/64");
            return this;
        }

        Opts with(java.util.function.Consumer<Opts> c) {
            c.accept(this);
            return this;
        }

        RenderOptions build() {
            return new RenderOptions(family, NODE, nodeIPs, mark, masqueradeAll, detector, localhostNodePorts,
                    nodePortAddresses, liberal, randomFully, nfacct, nfacct);
        }
    }

    static Svc svc(String ns, String name) {
        return new Svc(ns, name);
    }

    static final class Svc {
        final String ns;
        final String name;
        String portName = "p80";
        Protocol protocol = Protocol.TCP;
        ServiceType type = ServiceType.ClusterIP;
        List<String> clusterIPs = List.of("172.30.0.41");
        int port = 80;
        int nodePort;
        List<String> externalIPs = List.of();
        List<String> lbIPs = List.of();
        List<String> sourceRanges = List.of();
        TrafficPolicy etp = TrafficPolicy.Cluster;
        TrafficPolicy itp = TrafficPolicy.Cluster;
        SessionAffinity affinity = SessionAffinity.NONE;
        int healthCheckNodePort;
        String trafficDistribution = "";
        final List<Endpoint> endpoints = new ArrayList<>();

        Svc(String ns, String name) {
            this.ns = ns;
            this.name = name;
        }

        Svc clusterIP(String... ips) {
            clusterIPs = List.of(ips);
            return this;
        }

        Svc port(String portName, Protocol protocol, int port) {
            this.portName = portName;
            this.protocol = protocol;
            this.port = port;
            return this;
        }

        Svc nodePort(int np) {
            type = ServiceType.NodePort;
            nodePort = np;
            return this;
        }

        Svc loadBalancer(int np, String... ips) {
            type = ServiceType.LoadBalancer;
            nodePort = np;
            lbIPs = List.of(ips);
            return this;
        }

        Svc externalIPs(String... ips) {
            externalIPs = List.of(ips);
            return this;
        }

        Svc sourceRanges(String... cidrs) {
            sourceRanges = List.of(cidrs);
            return this;
        }

        Svc etpLocal(int hcnp) {
            etp = TrafficPolicy.Local;
            healthCheckNodePort = type == ServiceType.LoadBalancer ? hcnp : 0;
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

        Svc trafficDistribution(String td) {
            trafficDistribution = td;
            return this;
        }

        Svc ep(String ip, int port) {
            endpoints.add(Endpoint.ready(ip, port));
            return this;
        }

        Svc localEp(String ip, int port) {
            endpoints.add(Endpoint.ready(ip, port).withNodeName(NODE));
            return this;
        }

        Svc ep(Endpoint e) {
            endpoints.add(e);
            return this;
        }

        ServicePortName spn() {
            return ServicePortName.of(ns, name, portName, protocol);
        }

        ServicePort build() {
            return new ServicePort(spn(), type, clusterIPs, port, nodePort, externalIPs, lbIPs, sourceRanges, etp,
                    itp, affinity, healthCheckNodePort, trafficDistribution);
        }
    }

    static Endpoint endpoint(String ip, int port, boolean ready, boolean serving, boolean terminating, String node,
                             Set<String> zoneHints, Set<String> nodeHints) {
        return new Endpoint(ip, port, ready, serving, terminating, node, "", zoneHints, nodeHints);
    }

    static ProxySnapshot snapshot(NodeInfo node, Svc... services) {
        TreeMap<ServicePortName, ServicePort> ports = new TreeMap<>();
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>();
        for (Svc s : services) {
            ports.put(s.spn(), s.build());
            if (!s.endpoints.isEmpty()) {
                List<Endpoint> sorted = new ArrayList<>(s.endpoints);
                sorted.sort(java.util.Comparator.comparing(Endpoint::ipPort));
                eps.put(s.spn(), sorted);
            }
        }
        return new ProxySnapshot(ports, eps, node);
    }

    static ProxySnapshot snapshot(Svc... services) {
        return snapshot(NodeInfo.named(NODE), services);
    }

    static NodeInfo nodeInZone(String zone) {
        return new NodeInfo(NODE, List.of("192.168.0.2"), new TreeMap<>(Map.of(NodeInfo.ZONE_LABEL, zone)), false);
    }
}
