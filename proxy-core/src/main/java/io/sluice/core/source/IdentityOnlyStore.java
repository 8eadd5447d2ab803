package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An informer {@link ItemStore} that keeps, per object, only what the informer itself needs: a fresh object of the
 * same kind whose metadata holds namespace, name and resourceVersion. The proxy converts every object into its
 * model record as it arrives ({@link ObjectDispatcher}), so a whole fabric8 Service or EndpointSlice in the cache
 * (spec, endpoints, labels, annotations, managedFields: several KiB each) would be a second copy of the cluster that
 * nothing reads. The informer still works as client-go's does: it compares resourceVersions on relists, hands the
 * stored stub to {@code onDelete} (only its identity is read there), and resyncs replay the stubs, which
 * {@link KubernetesSource} recognises ({@code oldObj == newObj}) and drops, as the change tracker would find nothing
 * new in them.
 *
 * <p>Thread-safe (the informer calls it under its own lock; reads may come from any thread).
 */
final class IdentityOnlyStore<T extends HasMetadata> implements ItemStore<T> {
    private final ConcurrentHashMap<String, T> items = new ConcurrentHashMap<>();
    private final Supplier<T> factory;

    /** @param factory a new, empty object of the informer's kind */
    IdentityOnlyStore(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public String getKey(T obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public T put(String key, T obj) {
        return items.put(key, stub(obj));
    }

    /** The identity of {@code obj}: namespace, name, resourceVersion (strings shared, not copied). */
    T stub(T obj) {
        T s = factory.get();
        ObjectMeta m = obj.getMetadata();
        ObjectMeta meta = new ObjectMeta();
        // fabric8 models start with empty collections; a stub needs none (about 300 bytes saved per object).
        meta.setAnnotations(null);
        meta.setLabels(null);
        meta.setFinalizers(null);
        meta.setManagedFields(null);
        meta.setOwnerReferences(null);
        meta.setAdditionalProperties(null);
        if (m != null) {
            meta.setNamespace(m.getNamespace());
            meta.setName(m.getName());
            meta.setResourceVersion(m.getResourceVersion());
        }
        s.setMetadata(meta);
        return s;
    }

    @Override
    public T remove(String key) {
        return items.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return items.values().stream();
    }

    @Override
    public int size() {
        return items.size();
    }

    /**
     * False: the store does not keep whole objects, so fabric8 must hand the initial list's objects to the handlers
     * as received instead of reading them back from the store after the list (what it does for full-state stores).
     */
    @Override
    public boolean isFullState() {
        return false;
    }

    @Override
    public T get(String key) {
        return items.get(key);
    }
}
