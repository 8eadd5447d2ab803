package io.sluice.nftables.sync;

import io.sluice.nftables.model.Element;
import io.sluice.nftables.render.RenderedTable;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the last committed transactions of one family wrote into the {@code kube-proxy} table, kept in memory so that a
 * partial sync is computed without listing the kernel (unlike kube-proxy, which lists chains and sets every sync).
 * Immutable; the applier replaces it only after a transaction succeeded (nft applies a transaction atomically, so a
 * failed one leaves the kernel as this record says).
 *
 * @param chains       the per-service chains and their rules, as written
 * @param affinitySets the {@code affinity-} sets present
 * @param elements     the element storages' content: set name → key text → element
 * @param staleChains  flushed per-service chains not yet deleted, with the time they became unreferenced
 */
public record CommittedState(SortedMap<String, RenderedTable.ServiceChain> chains,
                             SortedMap<String, RenderedTable.AffinitySet> affinitySets,
                             SortedMap<String, SortedMap<String, Element>> elements,
                             SortedMap<String, Instant> staleChains) {

    public static final CommittedState EMPTY = new CommittedState(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
            new TreeMap<>());

    public CommittedState {
        chains = Collections.unmodifiableSortedMap(new TreeMap<>(chains));
        affinitySets = Collections.unmodifiableSortedMap(new TreeMap<>(affinitySets));
        TreeMap<String, SortedMap<String, Element>> e = new TreeMap<>();
        elements.forEach((k, v) -> e.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(v))));
        elements = Collections.unmodifiableSortedMap(e);
        staleChains = Collections.unmodifiableSortedMap(new TreeMap<>(staleChains));
    }

    /** The same record without some stale chains (after they were deleted, or their deletion was attempted). */
    public CommittedState withoutStale(java.util.Collection<String> names) {
        TreeMap<String, Instant> s = new TreeMap<>(staleChains);
        names.forEach(s::remove);
        return new CommittedState(chains, affinitySets, elements, s);
    }

    /** Number of elements across storages. */
    public int elementCount() {
        int n = 0;
        for (Map<String, Element> m : elements.values()) {
            n += m.size();
        }
        return n;
    }
}
