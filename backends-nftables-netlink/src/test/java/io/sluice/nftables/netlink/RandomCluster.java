package io.sluice.nftables.netlink;

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

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Random clusters for the equivalence property, from a seed: ClusterIP, NodePort and LoadBalancer services (external
 * IPs, source ranges, ClientIP affinity, local/cluster traffic policies), ready/terminating endpoints on this node and
 * others, and random changes (endpoints replaced, services added or removed) that report the services they touched.
 */
final class RandomCluster {
    static final String NODE = "node-a";

    private final Random random;
    private final TreeMap<ServicePortName, ServicePort> services = new TreeMap<>();
    private final TreeMap<ServicePortName, List<Endpoint>> endpoints = new TreeMap<>();
    private final boolean dualStack;
    private int next;

    RandomCluster(long seed, int size) {
        this.random = new Random(seed);
        this.dualStack = random.nextBoolean();
        for (int i = 0; i < size; i++) {
            addService();
        }
    }

    ProxySnapshot snapshot() {
        return new ProxySnapshot(new TreeMap<>(services), new TreeMap<>(endpoints),
                new NodeInfo(NODE, dualStack ? List.of("192.168.0.2", "2001:db8::2") : List.of("192.168.0.2"),
                        new TreeMap<>(), false),
                dualStack ? List.of("10.96.0.0/16", "fd00:96::/108") : List.of("10.96.0.0/16"));
    }

    boolean dualStack() {
        return dualStack;
    }

    /** One random change; returns the services it touched (what a partial sync gets). */
    Set<NamespacedName> change() {
        int what = random.nextInt(4);
        if (what == 0 || services.isEmpty()) {
            return Set.of(addService());
        }
        List<ServicePortName> names = new ArrayList<>(services.keySet());
        ServicePortName victim = names.get(random.nextInt(names.size()));
        if (what == 1) {
            services.remove(victim);
            endpoints.remove(victim);
        } else {
            endpoints.put(victim, endpoints(random.nextInt(4)));
        }
        return Set.of(victim.service());
    }

    private NamespacedName addService() {
        int i = next++;
        ServicePortName name = ServicePortName.of("ns" + i % 3, "svc" + i, random.nextBoolean() ? "http" : "",
                random.nextInt(5) == 0 ? Protocol.UDP : Protocol.TCP);
        ServiceType type = ServiceType.values()[random.nextInt(3)];
        List<String> clusterIps = new ArrayList<>(List.of("10.96." + (i / 200) + "." + (i % 200 + 1)));
        if (dualStack && random.nextBoolean()) {
            clusterIps.add("fd00:96::" + Integer.toHexString(i + 1));
        }
        int nodePort = type == ServiceType.ClusterIP ? 0 : 30000 + i;
        List<String> externalIps = random.nextInt(4) == 0 ? List.of("192.168.99." + (i % 250 + 1)) : List.of();
        List<String> lbIps = type != ServiceType.LoadBalancer ? List.of()
                : dualStack ? List.of("5.6.7." + (i % 250 + 1), "2001:db8:5::" + Integer.toHexString(i + 1))
                : List.of("5.6.7." + (i % 250 + 1));
        List<String> sourceRanges = type == ServiceType.LoadBalancer && random.nextBoolean()
                ? (random.nextBoolean() ? List.of("203.0.113.0/25")
                : List.of("203.0.113.0/25", "198.51.100.7/32", "2001:db8:77::/64", "2001:db8:78::/65"))
                : List.of();
        TrafficPolicy etp = type != ServiceType.ClusterIP && random.nextInt(3) == 0
                ? TrafficPolicy.Local : TrafficPolicy.Cluster;
        TrafficPolicy itp = random.nextInt(5) == 0 ? TrafficPolicy.Local : TrafficPolicy.Cluster;
        SessionAffinity affinity = random.nextInt(4) == 0 ? new SessionAffinity(10800) : SessionAffinity.NONE;
        services.put(name, new ServicePort(name, type, clusterIps, 80 + i % 3, nodePort, externalIps, lbIps,
                sourceRanges, etp, itp, affinity, 0, ""));
        endpoints.put(name, endpoints(random.nextInt(4)));
        return name.service();
    }

    private List<Endpoint> endpoints(int n) {
        List<Endpoint> out = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            String ip = dualStack && random.nextBoolean()
                    ? "fd00:244::" + Integer.toHexString(random.nextInt(250) + 1)
                    : "10.244." + random.nextInt(4) + "." + (random.nextInt(250) + 1);
            String node = random.nextBoolean() ? NODE : "node-b";
            boolean terminating = random.nextInt(6) == 0;
            out.add(terminating ? new Endpoint(ip, 8080, false, true, true, node, "", Set.of(), Set.of())
                    : Endpoint.ready(ip, 8080).withNodeName(node));
        }
        return out;
    }
}
