package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Converts fabric8 objects and hands the results to a {@link ProxyEventHandler}: the one place where fabric8 types
 * turn into model types, shared by {@link KubernetesSource} and {@link FileSource}.
 *
 * <p>Rules: an ignored or rejected Service is delivered as an upsert with no ports; an ignored or rejected
 * EndpointSlice as a delete of that slice; a deleted Node as a node with no addresses and {@code deleting=true}.
 * Objects of other kinds are ignored. Stateless; thread-safe when the handler is.
 */
public final class ObjectDispatcher {
    private final ProxyEventHandler handler;
    private final ServiceConverter services;
    private final EndpointSliceConverter slices;
    private final NodeConverter nodes;
    private final InvalidObjectListener listener;

    public ObjectDispatcher(ProxyEventHandler handler, String proxyName, InvalidObjectListener listener) {
        this.handler = Objects.requireNonNull(handler, "handler");
        ProxyNameSelector selector = new ProxyNameSelector(proxyName);
        this.services = new ServiceConverter(selector, listener);
        this.slices = new EndpointSliceConverter(selector, listener);
        this.nodes = new NodeConverter(listener);
        this.listener = listener;
    }

    public ProxyEventHandler handler() {
        return handler;
    }

    /** Delivers the current state of one object (add or update). */
    public void upsert(HasMetadata obj) {
        if (obj instanceof Service s) {
            services.convert(s).ifPresent(handler::onServiceUpsert);
        } else if (obj instanceof EndpointSlice es) {
            Optional<NamespacedName> id = EndpointSliceConverter.identity(es);
            slices.convert(es).ifPresentOrElse(handler::onEndpointSliceUpsert,
                    () -> id.ifPresent(handler::onEndpointSliceDelete));
        } else if (obj instanceof Node n) {
            nodes.convert(n).ifPresent(handler::onNodeUpsert);
        } else if (obj instanceof io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR sc) {
            ServiceCIDRConverter.convert(sc, listener).ifPresent(c -> handler.onServiceCIDRUpsert(c.name(), c.cidrs()));
        }
    }

    /** Delivers the removal of one object, given its final (or last known) state. */
    public void delete(HasMetadata obj) {
        if (obj instanceof Service s) {
            ServiceConverter.identity(s.getMetadata()).ifPresent(handler::onServiceDelete);
        } else if (obj instanceof EndpointSlice es) {
            EndpointSliceConverter.identity(es).ifPresent(handler::onEndpointSliceDelete);
        } else if (obj instanceof Node n && n.getMetadata() != null && n.getMetadata().getName() != null) {
            handler.onNodeUpsert(new NodeInfo(n.getMetadata().getName(), List.of(), new TreeMap<>(), true));
        } else if (obj instanceof io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR sc
                && sc.getMetadata() != null && sc.getMetadata().getName() != null) {
            handler.onServiceCIDRDelete(sc.getMetadata().getName());
        }
    }
}
