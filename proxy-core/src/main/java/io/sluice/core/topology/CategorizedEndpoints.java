package io.sluice.core.topology;

import io.sluice.core.model.Endpoint;

import java.util.List;

/**
 * The result of {@link EndpointCategorizer#categorize}: kube-proxy's {@code CategorizeEndpoints} return values.
 *
 * @param cluster         endpoints for Cluster traffic policy (ready, topology-filtered; or the serving+terminating
 *                        fallback); empty when the service does not use cluster endpoints
 * @param local           endpoints for Local traffic policy (local ready; or local serving+terminating); empty when the
 *                        service does not use local endpoints
 * @param allReachable    every endpoint some policy chain may jump to (the endpoint chains to write), sorted by
 *                        {@link Endpoint#ipPort()} as a plain string
 * @param hasAnyEndpoints true when any usable endpoint exists anywhere in the cluster (decides REJECT vs DROP)
 */
public record CategorizedEndpoints(List<Endpoint> cluster, List<Endpoint> local, List<Endpoint> allReachable,
                                   boolean hasAnyEndpoints) {
    public CategorizedEndpoints {
        cluster = List.copyOf(cluster);
        local = List.copyOf(local);
        allReachable = List.copyOf(allReachable);
    }
}
