package io.sluice.core.source;

import io.sluice.core.model.EndpointSliceObject;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ServiceObject;

/**
 * The sink every source (Kubernetes informers, files) feeds: model objects only, no fabric8 type crosses it.
 *
 * <p>Contract: calls may come from any thread but are serialised per source; an upsert of an unchanged object is
 * allowed and must cause no change. {@link #onInitialSyncDone()} is called once, after the initial lists of every
 * watched kind have been delivered; no sync may happen before it.
 */
public interface ProxyEventHandler {
    void onServiceUpsert(ServiceObject service);

    void onServiceDelete(NamespacedName service);

    void onEndpointSliceUpsert(EndpointSliceObject slice);

    /** @param slice namespace and name of the EndpointSlice */
    void onEndpointSliceDelete(NamespacedName slice);

    void onNodeUpsert(NodeInfo node);

    /**
     * A {@code networking.k8s.io/v1} ServiceCIDR and its canonical {@code spec.cidrs} (kube-proxy's ServiceCIDRConfig).
     * Default: ignored.
     */
    default void onServiceCIDRUpsert(String name, java.util.List<String> cidrs) {
    }

    /** A ServiceCIDR was deleted. Default: ignored. */
    default void onServiceCIDRDelete(String name) {
    }

    void onInitialSyncDone();
}
