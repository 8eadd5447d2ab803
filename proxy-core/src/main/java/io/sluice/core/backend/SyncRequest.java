package io.sluice.core.backend;

import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.ProxySnapshot;

import java.util.Objects;
import java.util.Set;

/**
 * One sync: the desired state, the services whose ports or endpoints changed since the last successful sync, and
 * whether the caller wants every per-service object rewritten.
 */
public record SyncRequest(ProxySnapshot snapshot, Set<NamespacedName> changedServices, boolean fullSync) {
    public SyncRequest {
        Objects.requireNonNull(snapshot, "snapshot");
        changedServices = Set.copyOf(changedServices);
    }

    public static SyncRequest full(ProxySnapshot snapshot) {
        return new SyncRequest(snapshot, Set.of(), true);
    }
}
