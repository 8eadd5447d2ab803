package io.sluice.core.sync;

import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.tracker.ChangeSource;
import io.sluice.core.tracker.TrackedChanges;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** An in-memory {@link ChangeSource}: tests record changes and the engine drains them. */
final class FakeChangeSource implements ChangeSource {
    private boolean initialized;
    private final Set<NamespacedName> changed = new TreeSet<>();
    private final List<Instant> triggers = new ArrayList<>();
    private final java.util.Map<io.sluice.core.model.IpFamily, List<Instant>> triggersByFamily =
            new java.util.EnumMap<>(io.sluice.core.model.IpFamily.class);
    private boolean nodeChanged;
    private NodeInfo node = NodeInfo.named("node-a");
    private int pendingSvc;
    private int pendingEps;
    private long totalSvc;
    private long totalEps;
    private Runnable listener;
    int drains;

    synchronized void initialize() {
        initialized = true;
        fire();
    }

    void serviceChanged(String ns, String name) {
        synchronized (this) {
            changed.add(new NamespacedName(ns, name));
            pendingSvc++;
            totalSvc++;
        }
        fire();
    }

    void endpointsChanged(String ns, String name, Instant trigger) {
        synchronized (this) {
            changed.add(new NamespacedName(ns, name));
            if (trigger != null) {
                triggers.add(trigger);
            }
            pendingEps++;
            totalEps++;
        }
        fire();
    }

    /** An endpoint change carried by an EndpointSlice of {@code family}. */
    void endpointsChanged(String ns, String name, Instant trigger, io.sluice.core.model.IpFamily family) {
        synchronized (this) {
            triggersByFamily.computeIfAbsent(family, k -> new ArrayList<>()).add(trigger);
        }
        endpointsChanged(ns, name, trigger);
    }

    void nodeChanged(NodeInfo n) {
        synchronized (this) {
            node = n;
            nodeChanged = true;
        }
        fire();
    }

    private void fire() {
        Runnable l;
        synchronized (this) {
            l = listener;
        }
        if (l != null) {
            l.run();
        }
    }

    @Override
    public synchronized TrackedChanges drain() {
        drains++;
        TrackedChanges c = new TrackedChanges(
                new ProxySnapshot(new TreeMap<>(), new TreeMap<>(), node), changed, triggers, nodeChanged,
                triggersByFamily);
        changed.clear();
        triggers.clear();
        triggersByFamily.clear();
        nodeChanged = false;
        pendingSvc = 0;
        pendingEps = 0;
        return c;
    }

    @Override
    public synchronized boolean isInitialized() {
        return initialized;
    }

    @Override
    public synchronized int pendingServiceChanges() {
        return pendingSvc;
    }

    @Override
    public synchronized int pendingEndpointChanges() {
        return pendingEps;
    }

    @Override
    public synchronized long totalServiceChanges() {
        return totalSvc;
    }

    @Override
    public synchronized long totalEndpointChanges() {
        return totalEps;
    }

    @Override
    public synchronized void setChangeListener(Runnable l) {
        listener = l;
    }
}
