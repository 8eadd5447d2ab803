package io.sluice.core.source;

import io.sluice.core.model.EndpointSliceObject;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ServiceObject;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Forwards to a delegate and records how many distinct objects had been seen when the initial sync was signalled. */
final class CountingHandler implements ProxyEventHandler {
    private final ProxyEventHandler delegate;
    private final Set<NamespacedName> services = ConcurrentHashMap.newKeySet();
    private final Set<NamespacedName> slices = ConcurrentHashMap.newKeySet();
    final AtomicInteger syncs = new AtomicInteger();
    volatile int servicesAtSync = -1;
    volatile int slicesAtSync = -1;

    CountingHandler(ProxyEventHandler delegate) {
        this.delegate = delegate;
    }

    @Override
    public void onServiceUpsert(ServiceObject service) {
        services.add(service.name());
        delegate.onServiceUpsert(service);
    }

    @Override
    public void onServiceDelete(NamespacedName service) {
        delegate.onServiceDelete(service);
    }

    @Override
    public void onEndpointSliceUpsert(EndpointSliceObject slice) {
        slices.add(slice.slice());
        delegate.onEndpointSliceUpsert(slice);
    }

    @Override
    public void onEndpointSliceDelete(NamespacedName slice) {
        delegate.onEndpointSliceDelete(slice);
    }

    @Override
    public void onNodeUpsert(NodeInfo node) {
        delegate.onNodeUpsert(node);
    }

    @Override
    public void onInitialSyncDone() {
        if (syncs.incrementAndGet() == 1) {
            servicesAtSync = services.size();
            slicesAtSync = slices.size();
        }
        delegate.onInitialSyncDone();
    }
}
