package io.sluice.core.tracker;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.EndpointSliceObject;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServiceObject;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.SliceEndpoint;
import io.sluice.core.model.SlicePort;
import io.sluice.core.source.ProxyEventHandler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Keeps the current Services, EndpointSlices and Node, and what changed since the last {@link #drain()}: kube-proxy's
 * {@code ServiceChangeTracker} + {@code EndpointsChangeTracker} ({@code pkg/proxy/servicechangetracker.go},
 * {@code endpointschangetracker.go}, {@code endpointslicecache.go}) in one object.
 *
 * <p><b>Change tracking.</b> Per service the tracker remembers the state as of the last drain (the "first previous")
 * and keeps the latest current state; a service whose ports or merged endpoints come back to the drained state
 * (a flap A→B→A) is no longer pending. {@link #drain()} reports exactly the services whose ports or endpoints differ
 * from the previous drain.
 *
 * <p><b>Endpoint merging.</b> For each service, over all its slices (in slice-name order): each slice port
 * {@code (name, protocol)} maps to {@code ServicePortName(ns, svc, name, protocol)}; endpoints of both families are
 * kept; duplicates (same {@code ip:port}) are merged with a local copy ({@code nodeName} = this proxy's node) winning,
 * otherwise the first slice wins; each list is sorted by {@link Endpoint#ipPort()} as a plain string.
 *
 * <p><b>Threading.</b> All methods are thread-safe: events arrive on informer threads, {@link #drain()} runs on the
 * sync thread. Work per event is proportional to the size of the affected service; {@link #drain()} is
 * O(n log n) in the number of service ports (and reuses the previous snapshot when nothing changed). The change
 * listener is called after the state lock is released, on the thread that delivered the event.
 */
public final class ChangeTracker implements ProxyEventHandler, ChangeSource {
    private static final Comparator<Endpoint> BY_IP_PORT = Comparator.comparing(Endpoint::ipPort);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChangeTracker.class);
    /**
     * Port x endpoint pairs one Service may have. Each becomes an endpoint object and a KUBE-SEP chain of about
     * 0.5 KiB in memory (rules memo included), so 100,000 (10,000 endpoints x 10 ports, or 1,000 ports x 100
     * endpoints; the whole 10,000 x 10 lab cluster has as many) stay within tens of MiB.
     */
    public static final long MAX_ENDPOINTS_PER_SERVICE = 100_000;

    private final String nodeName;
    private final Object lock = new Object();

    // Current state.
    private final Map<NamespacedName, ServiceObject> services = new HashMap<>();
    private final Map<NamespacedName, EndpointSliceObject> slices = new HashMap<>();
    private final Map<NamespacedName, TreeMap<NamespacedName, EndpointSliceObject>> slicesByService = new HashMap<>();
    private final Map<NamespacedName, SortedMap<ServicePortName, ServicePort>> portsByService = new HashMap<>();
    private final Map<NamespacedName, SortedMap<ServicePortName, List<Endpoint>>> endpointsByService =
            new HashMap<>();
    private final TreeMap<ServicePortName, ServicePort> allPorts = new TreeMap<>();
    private final TreeMap<ServicePortName, List<Endpoint>> allEndpoints = new TreeMap<>();
    private NodeInfo node;

    // State as of the last drain, for services with pending changes only.
    private final Map<NamespacedName, SortedMap<ServicePortName, ServicePort>> portsAtDrain = new HashMap<>();
    private final Map<NamespacedName, SortedMap<ServicePortName, List<Endpoint>>> endpointsAtDrain =
            new HashMap<>();
    private final Map<NamespacedName, List<Instant>> triggerTimes = new HashMap<>();
    /** The same trigger times with the family of the slice that carried them (parallel lists). */
    private final Map<NamespacedName, List<IpFamily>> triggerFamilies = new HashMap<>();
    private NodeInfo nodeAtDrain;
    private ProxySnapshot lastSnapshot;
    private boolean dirty = true;
    /** ServiceCIDR name → its CIDRs; the snapshot carries their union. */
    private final java.util.TreeMap<String, List<String>> serviceCIDRs = new java.util.TreeMap<>();

    private long totalServiceChanges;
    private long totalEndpointChanges;
    private volatile boolean initialized;
    private volatile Runnable changeListener = () -> { };
    private volatile io.sluice.core.source.InvalidObjectListener invalidListener =
            io.sluice.core.source.InvalidObjectListener.NOOP;
    /** Services whose endpoints are dropped as too large, so each is logged and counted once per episode. */
    private final java.util.Set<NamespacedName> tooLarge = new java.util.HashSet<>();

    /** @param nodeName this proxy's node name: decides which endpoints are local and which Node is read */
    public ChangeTracker(String nodeName) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.node = NodeInfo.named(nodeName);
        this.nodeAtDrain = node;
    }

    /**
     * Called after every event that changed the tracked state (not for no-op upserts), and once on
     * {@link #onInitialSyncDone()}. Runs on the event's thread, outside the tracker's lock; keep it short (the engine
     * pokes its sync runner).
     */
    public void setChangeListener(Runnable listener) {
        this.changeListener = listener == null ? () -> { } : listener;
    }

    /** Told once (per episode) about each Service whose endpoints are dropped as too large ({@link #MAX_ENDPOINTS_PER_SERVICE}). */
    public void setInvalidObjectListener(io.sluice.core.source.InvalidObjectListener listener) {
        this.invalidListener = listener == null ? io.sluice.core.source.InvalidObjectListener.NOOP : listener;
    }

    public String nodeName() {
        return nodeName;
    }

    @Override
    public void onServiceUpsert(ServiceObject service) {
        Objects.requireNonNull(service, "service");
        boolean changed;
        synchronized (lock) {
            ServiceObject old = service.ports().isEmpty()
                    ? services.remove(service.name()) : services.put(service.name(), service);
            changed = !Objects.equals(old, service.ports().isEmpty() ? null : service);
            if (changed) {
                totalServiceChanges++;
                recomputePorts(service.name());
            }
        }
        notifyIf(changed);
    }

    @Override
    public void onServiceDelete(NamespacedName service) {
        boolean changed;
        synchronized (lock) {
            changed = services.remove(service) != null;
            if (changed) {
                totalServiceChanges++;
                recomputePorts(service);
            }
        }
        notifyIf(changed);
    }

    @Override
    public void onEndpointSliceUpsert(EndpointSliceObject slice) {
        Objects.requireNonNull(slice, "slice");
        boolean changed;
        synchronized (lock) {
            EndpointSliceObject old = slices.put(slice.slice(), slice);
            changed = !slice.equals(old);
            if (changed) {
                totalEndpointChanges++;
                if (old != null && !old.service().equals(slice.service())) {
                    // The slice moved to another service (label edit): it leaves the old one.
                    removeFromService(old);
                    recomputeEndpoints(old.service());
                }
                slicesByService.computeIfAbsent(slice.service(), k -> new TreeMap<>()).put(slice.slice(), slice);
                recomputeEndpoints(slice.service());
                if (slice.lastChangeTriggerTime() != null && endpointsAtDrain.containsKey(slice.service())) {
                    triggerTimes.computeIfAbsent(slice.service(), k -> new ArrayList<>())
                            .add(slice.lastChangeTriggerTime());
                    triggerFamilies.computeIfAbsent(slice.service(), k -> new ArrayList<>())
                            .add(slice.addressType());
                }
            }
        }
        notifyIf(changed);
    }

    @Override
    public void onEndpointSliceDelete(NamespacedName slice) {
        boolean changed;
        synchronized (lock) {
            EndpointSliceObject old = slices.remove(slice);
            changed = old != null;
            if (changed) {
                totalEndpointChanges++;
                removeFromService(old);
                recomputeEndpoints(old.service());
            }
        }
        notifyIf(changed);
    }

    @Override
    public void onNodeUpsert(NodeInfo info) {
        Objects.requireNonNull(info, "node");
        boolean changed;
        synchronized (lock) {
            changed = nodeName.equals(info.name()) && !info.equals(node);
            if (changed) {
                node = info;
                dirty = true;
            }
        }
        notifyIf(changed);
    }

    /**
     * Records a ServiceCIDR. As in kube-proxy, a change does not trigger a sync by itself: nftables mode writes the
     * service CIDRs with its fixed rules, on the next full sync.
     */
    @Override
    public void onServiceCIDRUpsert(String name, List<String> cidrs) {
        synchronized (lock) {
            List<String> old = serviceCIDRs.put(name, List.copyOf(cidrs));
            dirty |= !cidrs.equals(old);
        }
    }

    @Override
    public void onServiceCIDRDelete(String name) {
        synchronized (lock) {
            dirty |= serviceCIDRs.remove(name) != null;
        }
    }

    @Override
    public void onInitialSyncDone() {
        boolean first;
        synchronized (lock) {
            first = !initialized;
            initialized = true;
        }
        notifyIf(first);
    }

    /** True once {@link #onInitialSyncDone()} was called: before that, no sync may happen. */
    public boolean isInitialized() {
        return initialized;
    }

    /**
     * Hands over the current state and resets change tracking: the next drain reports changes relative to this one.
     * The returned snapshot is immutable and may be shared.
     */
    public TrackedChanges drain() {
        synchronized (lock) {
            TreeSet<NamespacedName> changed = new TreeSet<>(portsAtDrain.keySet());
            changed.addAll(endpointsAtDrain.keySet());
            List<Instant> times = new ArrayList<>();
            Map<IpFamily, List<Instant>> byFamily = new java.util.EnumMap<>(IpFamily.class);
            for (NamespacedName svc : endpointsAtDrain.keySet()) {
                List<Instant> t = triggerTimes.getOrDefault(svc, List.of());
                List<IpFamily> f = triggerFamilies.getOrDefault(svc, List.of());
                times.addAll(t);
                for (int i = 0; i < t.size(); i++) {
                    byFamily.computeIfAbsent(f.get(i), k -> new ArrayList<>()).add(t.get(i));
                }
            }
            Collections.sort(times);
            byFamily.values().forEach(Collections::sort);
            boolean nodeChanged = !nodeAtDrain.addresses().equals(node.addresses())
                    || !nodeAtDrain.labels().equals(node.labels())
                    || !nodeAtDrain.podCIDRs().equals(node.podCIDRs());
            ProxySnapshot snapshot = snapshotLocked();
            portsAtDrain.clear();
            endpointsAtDrain.clear();
            triggerTimes.clear();
            triggerFamilies.clear();
            nodeAtDrain = node;
            return new TrackedChanges(snapshot, changed, times, nodeChanged, byFamily);
        }
    }

    /** The latest Node of this proxy (a name-only one until the Node object arrives). */
    public NodeInfo node() {
        synchronized (lock) {
            return node;
        }
    }

    /** The current state, without touching change tracking (for dumps, tests and health). */
    public ProxySnapshot currentSnapshot() {
        synchronized (lock) {
            return snapshotLocked();
        }
    }

    /** Number of services whose ports changed since the last drain (flaps excluded). */
    public int pendingServiceChanges() {
        synchronized (lock) {
            return portsAtDrain.size();
        }
    }

    /** Number of services whose merged endpoints changed since the last drain (flaps excluded). */
    public int pendingEndpointChanges() {
        synchronized (lock) {
            return endpointsAtDrain.size();
        }
    }

    /** Service events that changed the state, since start (kube-proxy's {@code service_changes_total}). */
    public long totalServiceChanges() {
        synchronized (lock) {
            return totalServiceChanges;
        }
    }

    /** EndpointSlice events that changed the state, since start ({@code endpoint_changes_total}). */
    public long totalEndpointChanges() {
        synchronized (lock) {
            return totalEndpointChanges;
        }
    }

    private ProxySnapshot snapshotLocked() {
        if (dirty || lastSnapshot == null) {
            TreeSet<String> cidrs = new TreeSet<>();
            serviceCIDRs.values().forEach(cidrs::addAll);
            lastSnapshot = new ProxySnapshot(allPorts, allEndpoints, node, List.copyOf(cidrs));
            dirty = false;
        }
        return lastSnapshot;
    }

    private void notifyIf(boolean changed) {
        if (changed) {
            changeListener.run();
        }
    }

    private void removeFromService(EndpointSliceObject old) {
        TreeMap<NamespacedName, EndpointSliceObject> forService = slicesByService.get(old.service());
        if (forService != null) {
            forService.remove(old.slice());
            if (forService.isEmpty()) {
                slicesByService.remove(old.service());
            }
        }
    }

    private void recomputePorts(NamespacedName svc) {
        ServiceObject so = services.get(svc);
        SortedMap<ServicePortName, ServicePort> now = new TreeMap<>();
        if (so != null) {
            for (ServicePort p : so.ports()) {
                now.put(p.name(), p);
            }
        }
        SortedMap<ServicePortName, ServicePort> before = portsByService.getOrDefault(svc, Collections.emptySortedMap());
        if (now.equals(before)) {
            return;
        }
        track(portsAtDrain, svc, before, now);
        before.keySet().forEach(allPorts::remove);
        allPorts.putAll(now);
        if (now.isEmpty()) {
            portsByService.remove(svc);
        } else {
            portsByService.put(svc, now);
        }
        dirty = true;
    }

    private void recomputeEndpoints(NamespacedName svc) {
        SortedMap<ServicePortName, List<Endpoint>> now = merge(svc);
        SortedMap<ServicePortName, List<Endpoint>> before =
                endpointsByService.getOrDefault(svc, Collections.emptySortedMap());
        if (now.equals(before)) {
            return;
        }
        if (track(endpointsAtDrain, svc, before, now)) {
            triggerTimes.remove(svc);
            triggerFamilies.remove(svc);
        }
        before.keySet().forEach(allEndpoints::remove);
        allEndpoints.putAll(now);
        if (now.isEmpty()) {
            endpointsByService.remove(svc);
        } else {
            endpointsByService.put(svc, now);
        }
        dirty = true;
    }

    /**
     * Records a change of one service against its state at the last drain.
     *
     * @return true when the change brought the service back to its drained state (no longer pending)
     */
    private static <V> boolean track(Map<NamespacedName, V> atDrain, NamespacedName svc, V before, V now) {
        V drained = atDrain.get(svc);
        if (drained == null && !atDrain.containsKey(svc)) {
            atDrain.put(svc, before);
            return false;
        }
        if (Objects.equals(drained, now)) {
            atDrain.remove(svc);
            return true;
        }
        return false;
    }

    private SortedMap<ServicePortName, List<Endpoint>> merge(NamespacedName svc) {
        TreeMap<NamespacedName, EndpointSliceObject> forService = slicesByService.get(svc);
        SortedMap<ServicePortName, List<Endpoint>> out = new TreeMap<>();
        if (forService == null) {
            tooLarge.remove(svc);
            return out;
        }
        // One endpoint object per (port, endpoint) pair: a Service the API server accepts with 1,000 ports and
        // 10,000 endpoints would need ten million of them (and as many KUBE-SEP chains), more than a node's proxy can
        // hold. Such a Service is left without endpoints (its ports reject, as with no endpoints), logged and counted
        // once; everything else keeps working.
        long pairs = 0;
        for (EndpointSliceObject slice : forService.values()) {
            pairs += (long) slice.ports().size() * slice.endpoints().size();
        }
        if (pairs > MAX_ENDPOINTS_PER_SERVICE) {
            if (tooLarge.add(svc)) {
                LOG.warn("Service {}: {} port x endpoint pairs exceed the limit of {}; its endpoints are not programmed",
                        svc, pairs, MAX_ENDPOINTS_PER_SERVICE);
                invalidListener.invalid("Service", svc.toString(), "too-many-endpoints");
            }
            return out;
        }
        tooLarge.remove(svc);
        Map<ServicePortName, Map<String, Endpoint>> byPort = new HashMap<>();
        for (EndpointSliceObject slice : forService.values()) {
            for (SlicePort port : slice.ports()) {
                ServicePortName spn = new ServicePortName(svc, port.name(), port.protocol());
                Map<String, Endpoint> set = byPort.computeIfAbsent(spn, k -> new LinkedHashMap<>());
                for (SliceEndpoint se : slice.endpoints()) {
                    Endpoint ep = se.toEndpoint(port.port());
                    String key = ep.ipPort();
                    Endpoint existing = set.get(key);
                    // endpointslicecache.go: duplicates are merged and a local copy wins.
                    if (existing == null || (ep.isLocal(nodeName) && !existing.isLocal(nodeName))) {
                        set.put(key, ep);
                    }
                }
            }
        }
        for (Map.Entry<ServicePortName, Map<String, Endpoint>> e : byPort.entrySet()) {
            if (!e.getValue().isEmpty()) {
                List<Endpoint> list = new ArrayList<>(e.getValue().values());
                list.sort(BY_IP_PORT);
                out.put(e.getKey(), List.copyOf(list));
            }
        }
        return out;
    }
}
