package io.sluice.ipvs.ipset;

import io.sluice.core.model.IpFamily;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ipsets of kube-proxy's IPVS mode, in the order of its {@code ipsetInfo} table (which is also the order Sluice
 * writes them). Names, types and comments are upstream's, so Sluice and kube-proxy can take over each other's sets.
 */
public final class KubeIpsets {
    public static final String LOOP_BACK = "KUBE-LOOP-BACK";
    public static final String CLUSTER_IP = "KUBE-CLUSTER-IP";
    public static final String EXTERNAL_IP = "KUBE-EXTERNAL-IP";
    public static final String EXTERNAL_IP_LOCAL = "KUBE-EXTERNAL-IP-LOCAL";
    public static final String LOAD_BALANCER = "KUBE-LOAD-BALANCER";
    public static final String LOAD_BALANCER_FW = "KUBE-LOAD-BALANCER-FW";
    public static final String LOAD_BALANCER_LOCAL = "KUBE-LOAD-BALANCER-LOCAL";
    public static final String LOAD_BALANCER_SOURCE_IP = "KUBE-LOAD-BALANCER-SOURCE-IP";
    public static final String LOAD_BALANCER_SOURCE_CIDR = "KUBE-LOAD-BALANCER-SOURCE-CIDR";
    public static final String NODE_PORT_TCP = "KUBE-NODE-PORT-TCP";
    public static final String NODE_PORT_LOCAL_TCP = "KUBE-NODE-PORT-LOCAL-TCP";
    public static final String NODE_PORT_UDP = "KUBE-NODE-PORT-UDP";
    public static final String NODE_PORT_LOCAL_UDP = "KUBE-NODE-PORT-LOCAL-UDP";
    public static final String NODE_PORT_SCTP = "KUBE-NODE-PORT-SCTP-HASH";
    public static final String NODE_PORT_LOCAL_SCTP = "KUBE-NODE-PORT-LOCAL-SCTP-HASH";
    public static final String HEALTH_CHECK_NODE_PORT = "KUBE-HEALTH-CHECK-NODE-PORT";
    public static final String IPVS_IPS = "KUBE-IPVS-IPS";

    private record Info(String name, IpsetType type, String comment) {
    }

    private static final List<Info> INFO = List.of(
            new Info(LOOP_BACK, IpsetType.HASH_IP_PORT_IP,
                    "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
            new Info(CLUSTER_IP, IpsetType.HASH_IP_PORT,
                    "Kubernetes service cluster ip + port for masquerade purpose"),
            new Info(EXTERNAL_IP, IpsetType.HASH_IP_PORT,
                    "Kubernetes service external ip + port for masquerade and filter purpose"),
            new Info(EXTERNAL_IP_LOCAL, IpsetType.HASH_IP_PORT,
                    "Kubernetes service external ip + port with externalTrafficPolicy=local"),
            new Info(LOAD_BALANCER, IpsetType.HASH_IP_PORT, "Kubernetes service lb portal"),
            new Info(LOAD_BALANCER_FW, IpsetType.HASH_IP_PORT,
                    "Kubernetes service load balancer ip + port for load balancer with sourceRange"),
            new Info(LOAD_BALANCER_LOCAL, IpsetType.HASH_IP_PORT,
                    "Kubernetes service load balancer ip + port with externalTrafficPolicy=local"),
            new Info(LOAD_BALANCER_SOURCE_IP, IpsetType.HASH_IP_PORT_IP,
                    "Kubernetes service load balancer ip + port + source IP for packet filter purpose"),
            new Info(LOAD_BALANCER_SOURCE_CIDR, IpsetType.HASH_IP_PORT_NET,
                    "Kubernetes service load balancer ip + port + source cidr for packet filter purpose"),
            new Info(NODE_PORT_TCP, IpsetType.BITMAP_PORT, "Kubernetes nodeport TCP port for masquerade purpose"),
            new Info(NODE_PORT_LOCAL_TCP, IpsetType.BITMAP_PORT,
                    "Kubernetes nodeport TCP port with externalTrafficPolicy=local"),
            new Info(NODE_PORT_UDP, IpsetType.BITMAP_PORT, "Kubernetes nodeport UDP port for masquerade purpose"),
            new Info(NODE_PORT_LOCAL_UDP, IpsetType.BITMAP_PORT,
                    "Kubernetes nodeport UDP port with externalTrafficPolicy=local"),
            new Info(NODE_PORT_SCTP, IpsetType.HASH_IP_PORT,
                    "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"),
            new Info(NODE_PORT_LOCAL_SCTP, IpsetType.HASH_IP_PORT,
                    "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"),
            new Info(HEALTH_CHECK_NODE_PORT, IpsetType.BITMAP_PORT, "Kubernetes health check node port"),
            new Info(IPVS_IPS, IpsetType.HASH_IP, "Addresses on the ipvs interface"));

    private static final Map<IpFamily, List<IpsetSpec>> BY_FAMILY = new EnumMap<>(IpFamily.class);
    private static final Map<IpFamily, Map<String, IpsetSpec>> BY_BASE_NAME = new EnumMap<>(IpFamily.class);

    static {
        for (IpFamily f : IpFamily.values()) {
            List<IpsetSpec> l = new ArrayList<>(INFO.size());
            Map<String, IpsetSpec> m = new HashMap<>();
            for (Info i : INFO) {
                IpsetSpec s = new IpsetSpec(i.name, IpsetSpec.familyName(i.name, f), i.type, f, i.comment);
                l.add(s);
                m.put(i.name, s);
            }
            BY_FAMILY.put(f, List.copyOf(l));
            BY_BASE_NAME.put(f, Map.copyOf(m));
        }
    }

    private KubeIpsets() {
    }

    /** Every set of one family, in upstream's order. */
    public static List<IpsetSpec> forFamily(IpFamily family) {
        return BY_FAMILY.get(family);
    }

    /** The spec of one set (by its IPv4 base name) in a family. */
    public static IpsetSpec spec(String baseName, IpFamily family) {
        IpsetSpec s = BY_BASE_NAME.get(family).get(baseName);
        if (s == null) {
            throw new IllegalArgumentException("unknown ipset " + baseName);
        }
        return s;
    }

    /** The spec whose family-specific name is {@code name}, if it is one of ours (cleanup, ownership checks). */
    public static Optional<IpsetSpec> byKernelName(String name) {
        for (IpFamily f : IpFamily.values()) {
            for (IpsetSpec s : forFamily(f)) {
                if (s.name().equals(name)) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }
}
