package io.sluice.core.tracker;

import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.ProxySnapshot;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the tracker hands the sync loop: the full current state plus what changed since the previous drain.
 *
 * @param snapshot          the complete desired state
 * @param changedServices   services whose ports or endpoints differ from the previous drain (flaps excluded)
 * @param triggerTimes      {@code last-change-trigger-time}s of the endpoint changes included, for the
 *                          network-programming-latency metric
 * @param nodeChanged       the Node's labels or addresses changed (topology): backends should do a full sync
 */
public record TrackedChanges(ProxySnapshot snapshot, Set<NamespacedName> changedServices, List<Instant> triggerTimes,
                             boolean nodeChanged) {
    public TrackedChanges {
        changedServices = Set.copyOf(changedServices);
        triggerTimes = List.copyOf(triggerTimes);
    }
}
