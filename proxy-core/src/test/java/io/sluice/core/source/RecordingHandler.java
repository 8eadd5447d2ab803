package io.sluice.core.source;

import io.sluice.core.model.EndpointSliceObject;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ServiceObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every handler call as a short string, plus the last objects. */
final class RecordingHandler implements ProxyEventHandler {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile ServiceObject lastService;
    volatile EndpointSliceObject lastSlice;
    volatile NodeInfo lastNode;

    @Override
    public void onServiceUpsert(ServiceObject service) {
        lastService = service;
        calls.add("service-upsert " + service.name() + " ports=" + service.ports().size());
    }

    @Override
    public void onServiceDelete(NamespacedName service) {
        calls.add("service-delete " + service);
    }

    @Override
    public void onEndpointSliceUpsert(EndpointSliceObject slice) {
        lastSlice = slice;
        calls.add("slice-upsert " + slice.slice());
    }

    @Override
    public void onEndpointSliceDelete(NamespacedName slice) {
        calls.add("slice-delete " + slice);
    }

    @Override
    public void onNodeUpsert(NodeInfo node) {
        lastNode = node;
        calls.add("node-upsert " + node.name() + " deleting=" + node.deleting());
    }

    @Override
    public void onInitialSyncDone() {
        calls.add("initial-sync-done");
    }
}
