package io.sluice.nftables.sync;

import io.sluice.core.model.NamespacedName;
import io.sluice.nftables.model.Chain;
import io.sluice.nftables.model.Element;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.NftSet;
import io.sluice.nftables.model.Operation;
import io.sluice.nftables.model.Rule;
import io.sluice.nftables.model.Transaction;
import io.sluice.nftables.model.Verb;
import io.sluice.nftables.render.NftChainNames;
import io.sluice.nftables.render.NftablesRenderOptions;
import io.sluice.nftables.render.NftablesRenderer;
import io.sluice.nftables.render.RenderedTable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pure planner: desired table + committed state → the transactions of one sync, following kube-proxy's
 * syncProxyRules (pkg/proxy/nftables/proxier.go) but diffing against memory instead of listing the kernel.
 *
 * <p>Main transaction, in an order the kernel accepts (declarations before references, deletions of references before
 * what they referenced):
 * <ol>
 *   <li>full syncs only: the fixed objects ({@link RenderedTable#setup()}); on the process's first full sync the base
 *   chains are first added and deleted, so a priority change from an older version applies (kube-proxy #123162);</li>
 *   <li>{@code add chain} + {@code flush chain} of every per-service chain to (re)write, and {@code add set} of their
 *   affinity sets (never flushed: learned client addresses survive syncs);</li>
 *   <li>the rules of those chains;</li>
 *   <li>elements: on full syncs each storage is flushed and refilled (one atomic transaction, so no packet sees it
 *   empty); on partial syncs only the difference ({@code delete} of keys gone or whose value changed, then
 *   {@code add}), like kube-proxy's nftElementStorage, so a sync with no change has no operation;</li>
 *   <li>{@code flush chain} of per-service chains no longer used (kept as stale) and {@code delete set} of affinity
 *   sets no longer used.</li>
 * </ol>
 * A chain is rewritten on a partial sync when its Service changed (kube-proxy's granularity), when it is new, or when
 * its rules differ from what was committed. Stale chains are deleted by {@link #staleChainDeletion} in a separate,
 * earlier transaction once unreferenced for {@link #STALE_CHAIN_DELAY} (on kernels before 6.2 a chain stays busy
 * briefly after the map element that referenced it is deleted). Stateless and thread-safe.
 */
public final class SyncPlanner {
    /** kube-proxy deletes a stale chain only after it has been unreferenced for at least one second. */
    public static final Duration STALE_CHAIN_DELAY = Duration.ofSeconds(1);

    private SyncPlanner() {
    }

    /**
     * @param committed      what the kernel holds per our record ({@link CommittedState#EMPTY} when unknown)
     * @param full           write everything (fixed objects, all chains, all elements)
     * @param firstSync      the process's first full sync: re-create the base chains
     * @param changed        Services whose chains a partial sync rewrites regardless of content
     * @param existingChains per-service chain names listed in the kernel (full syncs; empty otherwise)
     * @param existingSets   affinity set names listed in the kernel (full syncs; empty otherwise)
     */
    public static SyncPlan plan(RenderedTable desired, CommittedState committed, boolean full, boolean firstSync,
                                Set<NamespacedName> changed, Set<String> existingChains, Set<String> existingSets,
                                Instant now) {
        NftFamily family = desired.family();
        Transaction.Builder tx = Transaction.builder(family, NftablesRenderOptions.TABLE);
        if (full) {
            List<Operation> setup = desired.setup();
            tx.op(setup.get(0).verb(), setup.get(0).object()); // add table
            if (firstSync) {
                for (Chain c : NftablesRenderer.BASE_CHAINS) {
                    tx.add(Chain.regular(c.name())).delete(Chain.regular(c.name()));
                }
            }
            tx.addAll(setup.subList(1, setup.size()));
        }

        // 2 + 3: chains to write.
        List<String> write = new ArrayList<>();
        for (Map.Entry<String, RenderedTable.ServiceChain> e : desired.serviceChains().entrySet()) {
            RenderedTable.ServiceChain old = full ? null : committed.chains().get(e.getKey());
            if (full || old == null || changed.contains(e.getValue().owner()) || !old.rules().equals(e.getValue().rules())) {
                write.add(e.getKey());
            }
        }
        Set<NamespacedName> writtenOwners = new java.util.HashSet<>();
        for (String c : write) {
            tx.add(Chain.regular(c)).flush(Chain.regular(c));
            writtenOwners.add(desired.serviceChains().get(c).owner());
        }
        for (RenderedTable.AffinitySet a : desired.affinitySets().values()) {
            if (full || !committed.affinitySets().containsKey(a.set().name()) || writtenOwners.contains(a.owner())) {
                tx.add(a.set());
            }
        }
        for (String c : write) {
            for (Rule r : desired.serviceChains().get(c).rules()) {
                tx.add(r);
            }
        }

        // 4: elements.
        for (String storage : RenderedTable.ELEMENT_STORAGES) {
            SortedMap<String, Element> want = desired.elements().getOrDefault(storage, new TreeMap<>());
            if (full) {
                tx.flush(storageObject(desired, storage));
                want.values().forEach(tx::add);
                continue;
            }
            SortedMap<String, Element> have = committed.elements().getOrDefault(storage, new TreeMap<>());
            for (Map.Entry<String, Element> h : have.entrySet()) {
                Element w = want.get(h.getKey());
                if (w == null || !java.util.Objects.equals(w.value(), h.getValue().value())) {
                    tx.delete(h.getValue().keyOnly());
                }
            }
            for (Map.Entry<String, Element> w : want.entrySet()) {
                Element h = have.get(w.getKey());
                if (h == null || !java.util.Objects.equals(w.getValue().value(), h.value())) {
                    tx.add(w.getValue());
                }
            }
        }

        // 5: stale chains and affinity sets.
        TreeSet<String> known = new TreeSet<>(committed.chains().keySet());
        known.addAll(existingChains);
        TreeMap<String, Instant> stale = new TreeMap<>();
        committed.staleChains().forEach((c, t) -> {
            if (!desired.serviceChains().containsKey(c)) {
                stale.put(c, t);
            }
        });
        for (String c : known) {
            if (NftChainNames.isServiceChainName(c) && !desired.serviceChains().containsKey(c)
                    && (committed.chains().containsKey(c) || full)) {
                tx.flush(Chain.regular(c));
                stale.putIfAbsent(c, now);
            }
        }
        TreeSet<String> knownSets = new TreeSet<>(committed.affinitySets().keySet());
        knownSets.addAll(existingSets);
        for (String s : knownSets) {
            if (NftChainNames.isAffinitySetName(s) && !desired.affinitySets().containsKey(s)) {
                tx.delete(new NftSet(s, List.of(io.sluice.nftables.model.DataType.addr(family)), null, Set.of(), null,
                        null));
            }
        }
        CommittedState after = new CommittedState(desired.serviceChains(), desired.affinitySets(), desired.elements(),
                stale);
        return new SyncPlan(tx.build(), after, write.size());
    }

    /**
     * The separate transaction deleting stale chains unreferenced for at least {@link #STALE_CHAIN_DELAY}, or an
     * empty one. The caller drops them from the record whether it succeeds or not (kube-proxy does the same; a chain
     * whose deletion failed is found again by the next full sync's listing).
     */
    public static Transaction staleChainDeletion(NftFamily family, CommittedState committed, Instant now) {
        Transaction.Builder tx = Transaction.builder(family, NftablesRenderOptions.TABLE);
        Instant cutoff = now.minus(STALE_CHAIN_DELAY);
        committed.staleChains().forEach((c, t) -> {
            if (t.isBefore(cutoff)) {
                tx.delete(Chain.regular(c));
            }
        });
        return tx.build();
    }

    /** The declaration of a storage, for {@code flush set|map} (only its name and kind are written). */
    private static NftSet storageObject(RenderedTable desired, String storage) {
        for (Operation op : desired.setup()) {
            if (op.object() instanceof NftSet s && s.name().equals(storage)) {
                return s;
            }
        }
        throw new IllegalStateException("no declaration of " + storage);
    }
}
