package io.sluice.nftables.render;

import io.sluice.core.model.NamespacedName;
import io.sluice.nftables.model.Element;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.NftSet;
import io.sluice.nftables.model.Operation;
import io.sluice.nftables.model.Rule;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The desired content of one family's {@code kube-proxy} table, split the way syncs write it.
 *
 * @param setup          the fixed part, written on full syncs only (kube-proxy setupNFTables): table, base chains,
 *                       fixed chains and rules, set and map declarations, the {@code nodeport-ips} elements
 * @param serviceChains  every per-service chain ({@code service-}, {@code local-}, {@code external-},
 *                       {@code firewall-}, {@code endpoint-}) by name, with its rules and owner
 * @param affinitySets   the {@code affinity-} sets by name, with their owner
 * @param elements       the element storages diffed on every sync ({@code cluster-ips}, {@code service-ips}, ...):
 *                       set name → element key text → element, sorted
 * @param noLocalEndpointsInternal services with iTP=Local, endpoints, and no local one
 * @param noLocalEndpointsExternal the same for eTP=Local
 */
public record RenderedTable(NftFamily family, List<Operation> setup, SortedMap<String, ServiceChain> serviceChains,
                            SortedMap<String, AffinitySet> affinitySets,
                            SortedMap<String, SortedMap<String, Element>> elements,
                            int noLocalEndpointsInternal, int noLocalEndpointsExternal) {

    /** The element storages, in the order kube-proxy declares them. */
    public static final List<String> ELEMENT_STORAGES = List.of(NftablesRenderer.CLUSTER_IPS,
            NftablesRenderer.SERVICE_IPS, NftablesRenderer.FIREWALL_IPS, NftablesRenderer.NO_ENDPOINT_SERVICES,
            NftablesRenderer.NO_ENDPOINT_NODEPORTS, NftablesRenderer.SERVICE_NODEPORTS, NftablesRenderer.HAIRPIN);

    public RenderedTable {
        setup = List.copyOf(setup);
        serviceChains = Collections.unmodifiableSortedMap(new TreeMap<>(serviceChains));
        affinitySets = Collections.unmodifiableSortedMap(new TreeMap<>(affinitySets));
        TreeMap<String, SortedMap<String, Element>> e = new TreeMap<>();
        elements.forEach((k, v) -> e.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(v))));
        elements = Collections.unmodifiableSortedMap(e);
    }

    /** A per-service chain: its rules in order and the Service whose change rewrites it. */
    public record ServiceChain(NamespacedName owner, List<Rule> rules) {
        public ServiceChain {
            rules = List.copyOf(rules);
        }
    }

    /** An affinity set and the Service it belongs to. */
    public record AffinitySet(NamespacedName owner, NftSet set) {
    }
}
