package io.sluice.core.topology;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.ServicePort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * kube-proxy's {@code CategorizeEndpoints} ({@code pkg/proxy/topology.go}), shared by the iptables and IPVS backends.
 *
 * <p>Contract, following upstream:
 * <ul>
 *   <li>cluster = the ready endpoints, filtered by topology hints when every ready endpoint carries hints and one of
 *       them names this node (PreferSameNode, {@code hints.forNodes}) or this node's zone (PreferSameZone /
 *       PreferClose,
 *       {@code hints.forZones}; zone from the node label {@code topology.kubernetes.io/zone}); when there is no ready
 *       endpoint, the serving and terminating ones, without topology filtering. Computed only when the service
 *       {@link ServicePort#usesClusterEndpoints() uses cluster endpoints}.</li>
 *   <li>local = the local ready endpoints, or when there is none the local serving and terminating ones. Computed
 *       only when the service {@link ServicePort#usesLocalEndpoints() uses local endpoints}.</li>
 *   <li>allReachable = cluster, local, or their union (when topology filtering or the local terminating fallback is
 *       in effect); Sluice sorts it by {@code ip:port} string where upstream iterates a Go map.</li>
 *   <li>hasAnyEndpoints = some endpoint anywhere is ready, or serving and terminating.</li>
 * </ul>
 * Like kube-proxy (feature gate PreferSameTrafficDistribution, on by default), the hints decide, not the Service's
 * {@code trafficDistribution} field: the EndpointSlice controller writes node hints only for PreferSameNode and zone
 * hints for PreferClose/PreferSameZone (or the topology-mode annotation). Stateless and thread-safe.
 */
public final class EndpointCategorizer {
    /** {@code v1.ServiceTrafficDistributionPreferSameNode}. */
    public static final String PREFER_SAME_NODE = "PreferSameNode";
    /** {@code v1.ServiceTrafficDistributionPreferSameZone}. */
    public static final String PREFER_SAME_ZONE = "PreferSameZone";

    private static final Comparator<Endpoint> BY_IP_PORT = Comparator.comparing(Endpoint::ipPort);

    private EndpointCategorizer() {
    }

    /**
     * @param endpoints the endpoints of one service port (one family), any order
     * @param svc       the service port
     * @param nodeName  this node's name (locality: {@link Endpoint#isLocal(String)})
     * @param zone      this node's {@code topology.kubernetes.io/zone} label, "" when unset
     */
    public static CategorizedEndpoints categorize(List<Endpoint> endpoints, ServicePort svc, String nodeName,
                                                  String zone) {
        List<Endpoint> sorted = new ArrayList<>(endpoints);
        sorted.sort(BY_IP_PORT);
        List<Endpoint> cluster = List.of();
        List<Endpoint> local = List.of();
        boolean hasAny = false;
        boolean useTopology = false;

        if (svc.usesClusterEndpoints()) {
            String mode = topologyModeFromHints(sorted, nodeName, zone);
            useTopology = !mode.isEmpty();
            cluster = filter(sorted, ep -> ep.ready() && availableForTopology(ep, mode, nodeName, zone));
            // Falling back to terminating endpoints ignores topology: a best effort not to drop connections.
            if (cluster.isEmpty()) {
                cluster = filter(sorted, ep -> ep.serving() && ep.terminating());
            }
            hasAny = !cluster.isEmpty();
        }

        if (!svc.usesLocalEndpoints()) {
            return new CategorizedEndpoints(cluster, local, cluster, hasAny);
        }

        boolean hasLocalReady = false;
        boolean hasLocalServingTerminating = false;
        for (Endpoint ep : sorted) {
            if (ep.ready()) {
                hasAny = true;
                hasLocalReady |= ep.isLocal(nodeName);
            } else if (ep.serving() && ep.terminating()) {
                hasAny = true;
                hasLocalServingTerminating |= ep.isLocal(nodeName);
            }
        }
        boolean useServingTerminating = false;
        if (hasLocalReady) {
            local = filter(sorted, ep -> ep.isLocal(nodeName) && ep.ready());
        } else if (hasLocalServingTerminating) {
            useServingTerminating = true;
            local = filter(sorted, ep -> ep.isLocal(nodeName) && ep.serving() && ep.terminating());
        }

        if (!svc.usesClusterEndpoints()) {
            return new CategorizedEndpoints(cluster, local, local, hasAny);
        }
        if (!useTopology && !useServingTerminating) {
            // cluster holds every ready endpoint and local only ready ones: cluster is a superset.
            return new CategorizedEndpoints(cluster, local, cluster, hasAny);
        }
        TreeMap<String, Endpoint> union = new TreeMap<>();
        for (Endpoint ep : cluster) {
            union.put(ep.ipPort(), ep);
        }
        for (Endpoint ep : local) {
            union.put(ep.ipPort(), ep);
        }
        return new CategorizedEndpoints(cluster, local, new ArrayList<>(union.values()), hasAny);
    }

    /** upstream {@code topologyModeFromHints}: "", {@link #PREFER_SAME_NODE} or {@link #PREFER_SAME_ZONE}. */
    static String topologyModeFromHints(List<Endpoint> endpoints, String nodeName, String zone) {
        boolean hasEndpointForNode = false;
        boolean allHaveNodeHints = true;
        boolean hasEndpointForZone = false;
        boolean allHaveZoneHints = true;
        for (Endpoint ep : endpoints) {
            if (!ep.ready()) {
                continue;
            }
            if (ep.zoneHints().isEmpty()) {
                allHaveZoneHints = false;
            } else if (ep.zoneHints().contains(zone)) {
                hasEndpointForZone = true;
            }
            if (ep.nodeHints().isEmpty()) {
                allHaveNodeHints = false;
            } else if (ep.nodeHints().contains(nodeName)) {
                hasEndpointForNode = true;
            }
        }
        if (allHaveNodeHints && hasEndpointForNode) {
            return PREFER_SAME_NODE;
        }
        if (allHaveZoneHints && hasEndpointForZone) {
            return PREFER_SAME_ZONE;
        }
        return "";
    }

    private static boolean availableForTopology(Endpoint ep, String mode, String nodeName, String zone) {
        return switch (mode) {
            case "" -> true;
            case PREFER_SAME_NODE -> ep.nodeHints().contains(nodeName);
            case PREFER_SAME_ZONE -> ep.zoneHints().contains(zone);
            default -> false;
        };
    }

    private static List<Endpoint> filter(List<Endpoint> eps, Predicate<Endpoint> p) {
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint ep : eps) {
            if (p.test(ep)) {
                out.add(ep);
            }
        }
        return out;
    }
}
