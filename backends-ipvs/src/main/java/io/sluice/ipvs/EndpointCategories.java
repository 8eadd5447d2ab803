package io.sluice.ipvs;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ServicePort;

import java.util.List;
import java.util.function.Predicate;

/**
 * kube-proxy's {@code CategorizeEndpoints} ({@code pkg/proxy/topology.go}): which endpoints cluster-wide and
 * node-local traffic may use.
 *
 * <p>TODO(merge): private minimal copy until {@code io.sluice.core.topology.EndpointCategorizer} (branch ipt-render)
 * is in main; replace the call in {@link IpvsPlanner} with it then.
 *
 * @param cluster          ready endpoints (topology-filtered), else the serving+terminating ones; empty when the
 *                         service does not use cluster endpoints
 * @param local            local ready endpoints, else local serving+terminating ones; empty when the service does
 *                         not use local endpoints
 * @param hasAnyEndpoints  some endpoint anywhere is usable
 */
record EndpointCategories(List<Endpoint> cluster, List<Endpoint> local, boolean hasAnyEndpoints) {

    static EndpointCategories categorize(List<Endpoint> endpoints, ServicePort svc, NodeInfo node) {
        List<Endpoint> cluster = List.of();
        boolean hasAny = false;
        String nodeName = node.name();
        if (svc.usesClusterEndpoints()) {
            Predicate<Endpoint> topology = topologyFilter(endpoints, node);
            cluster = filter(endpoints, ep -> ep.ready() && topology.test(ep));
            if (cluster.isEmpty()) {
                cluster = filter(endpoints, ep -> ep.serving() && ep.terminating());
            }
            hasAny = !cluster.isEmpty();
        }
        if (!svc.usesLocalEndpoints()) {
            return new EndpointCategories(cluster, List.of(), hasAny);
        }
        boolean localReady = false;
        boolean localServingTerminating = false;
        for (Endpoint ep : endpoints) {
            if (ep.ready()) {
                hasAny = true;
                localReady |= ep.isLocal(nodeName);
            } else if (ep.serving() && ep.terminating()) {
                hasAny = true;
                localServingTerminating |= ep.isLocal(nodeName);
            }
        }
        List<Endpoint> local = List.of();
        if (localReady) {
            local = filter(endpoints, ep -> ep.isLocal(nodeName) && ep.ready());
        } else if (localServingTerminating) {
            local = filter(endpoints, ep -> ep.isLocal(nodeName) && ep.serving() && ep.terminating());
        }
        return new EndpointCategories(cluster, local, hasAny);
    }

    /**
     * Topology hints are honoured only when every ready endpoint carries them: node hints (PreferSameNode) when one
     * names this node, else zone hints (PreferSameZone / topology-aware routing) when one names this node's zone.
     */
    private static Predicate<Endpoint> topologyFilter(List<Endpoint> endpoints, NodeInfo node) {
        boolean allNode = true;
        boolean forNode = false;
        boolean allZone = true;
        boolean forZone = false;
        boolean anyReady = false;
        String zone = node.zone();
        for (Endpoint ep : endpoints) {
            if (!ep.ready()) {
                continue;
            }
            anyReady = true;
            if (ep.nodeHints().isEmpty()) {
                allNode = false;
            } else if (ep.nodeHints().contains(node.name())) {
                forNode = true;
            }
            if (ep.zoneHints().isEmpty()) {
                allZone = false;
            } else if (ep.zoneHints().contains(zone)) {
                forZone = true;
            }
        }
        if (anyReady && allNode && forNode) {
            return ep -> ep.nodeHints().contains(node.name());
        }
        if (anyReady && allZone && forZone && !zone.isEmpty()) {
            return ep -> ep.zoneHints().contains(zone);
        }
        return ep -> true;
    }

    private static List<Endpoint> filter(List<Endpoint> eps, Predicate<Endpoint> p) {
        return eps.stream().filter(p).toList();
    }
}
