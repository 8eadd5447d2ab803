package io.sluice.core.tracker;

import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.ProxySnapshot;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * What the tracker hands the sync loop: the full current state plus what changed since the previous drain.
 *
 * @param snapshot          the complete desired state
 * @param changedServices   services whose ports or endpoints differ from the previous drain (flaps excluded)
 * @param triggerTimes      {@code last-change-trigger-time}s of the endpoint changes included, for the
 *                          network-programming-latency metric
 * @param nodeChanged       the Node's labels, addresses or pod CIDRs changed: backends should do a full sync
 * @param triggerTimesByFamily the same trigger times by the address family of the EndpointSlice that carried them
 *                          (kube-proxy's proxier of that family records them); empty when unknown
 */
public record TrackedChanges(ProxySnapshot snapshot, Set<NamespacedName> changedServices, List<Instant> triggerTimes,
                             boolean nodeChanged, Map<IpFamily, List<Instant>> triggerTimesByFamily) {
    public TrackedChanges {
        changedServices = Set.copyOf(changedServices);
        triggerTimes = List.copyOf(triggerTimes);
        EnumMap<IpFamily, List<Instant>> byFamily = new EnumMap<>(IpFamily.class);
        if (triggerTimesByFamily != null) {
            triggerTimesByFamily.forEach((f, l) -> byFamily.put(f, List.copyOf(l)));
        }
        triggerTimesByFamily = Collections.unmodifiableMap(byFamily);
    }

    /** Changes whose trigger times have no known family. */
    public TrackedChanges(ProxySnapshot snapshot, Set<NamespacedName> changedServices, List<Instant> triggerTimes,
                          boolean nodeChanged) {
        this(snapshot, changedServices, triggerTimes, nodeChanged, Map.of());
    }
}
