package io.sluice.core.health;

import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The proxy's health, with kube-proxy's semantics ({@code pkg/proxy/healthcheck/proxy_health.go}):
 * <ul>
 *   <li>{@link #queuedUpdate} records the first change of a family still waiting to be synced (later ones do not move
 *   it); {@link #updated} records a successful sync and clears it.</li>
 *   <li>A family is unhealthy when a change has waited at least {@code healthTimeout} (kube-proxy passes
 *   {@code 2 × syncPeriod}). As in kube-proxy, only families that have synced at least once are judged: a proxy is
 *   healthy while starting up.</li>
 *   <li>The node is eligible unless its Node is being deleted or carries the {@code ToBeDeletedByClusterAutoscaler}
 *   taint ({@link NodeInfo#deleting()}); it starts eligible. {@code /healthz} needs health and eligibility,
 *   {@code /livez} only health.</li>
 * </ul>
 * Thread-safe.
 */
public final class ProxyHealth {

    private final Clock clock;
    private final Duration healthTimeout;
    private final Map<IpFamily, Instant> lastUpdated = new EnumMap<>(IpFamily.class);
    private final Map<IpFamily, Instant> oldestPendingQueued = new EnumMap<>(IpFamily.class);
    private boolean nodeEligible = true;

    public ProxyHealth(Clock clock, Duration healthTimeout) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.healthTimeout = Objects.requireNonNull(healthTimeout, "healthTimeout");
    }

    /** kube-proxy's timeout for a given syncPeriod: {@code 2 × syncPeriod}. */
    public static ProxyHealth forSyncPeriod(Clock clock, Duration syncPeriod) {
        return new ProxyHealth(clock, syncPeriod.multipliedBy(2));
    }

    public Duration healthTimeout() {
        return healthTimeout;
    }

    public Clock clock() {
        return clock;
    }

    /** A change for {@code family} arrived and is not yet synced. */
    public synchronized void queuedUpdate(IpFamily family) {
        oldestPendingQueued.putIfAbsent(family, clock.instant());
    }

    /** Single-stack shorthand: {@code queuedUpdate(IPv4)}. */
    public void queuedUpdate() {
        queuedUpdate(IpFamily.IPv4);
    }

    /** Single-stack shorthand: {@code updated(IPv4)}. */
    public void updated() {
        updated(IpFamily.IPv4);
    }

    /** {@code family}'s rules now reflect every change queued so far. */
    public synchronized void updated(IpFamily family) {
        oldestPendingQueued.remove(family);
        lastUpdated.put(family, clock.instant());
    }

    /** Tracks the node's eligibility: not eligible while it is being deleted. */
    public synchronized void syncNode(NodeInfo node) {
        nodeEligible = !node.deleting();
    }

    public synchronized boolean nodeEligible() {
        return nodeEligible;
    }

    /** Health ignoring the node (what {@code /livez} reports). */
    public boolean isHealthy() {
        return status().healthy();
    }

    /**
     * A consistent view: health, the time reported as {@code lastUpdated}, the current time and each family's own
     * health (kube-proxy's {@code ProxyHealthServer.Health}). Like kube-proxy, {@code lastUpdated} is the current time
     * when healthy (older releases reported the last loop run, and clients expect a recent value), otherwise the most
     * recent update of any family; {@code null} means never. Only families updated at least once are judged (the
     * sync loop marks every family updated when it starts, kube-proxy's {@code SyncLoop}).
     */
    public synchronized Status status() {
        Instant now = clock.instant();
        Instant latest = null;
        boolean healthy = true;
        Map<IpFamily, FamilyStatus> families = new EnumMap<>(IpFamily.class);
        for (Map.Entry<IpFamily, Instant> e : lastUpdated.entrySet()) {
            Instant familyLast = e.getValue();
            if (latest == null || familyLast.isAfter(latest)) {
                latest = familyLast;
            }
            Instant queued = oldestPendingQueued.get(e.getKey());
            boolean late = queued != null && Duration.between(queued, now).compareTo(healthTimeout) >= 0;
            families.put(e.getKey(), new FamilyStatus(!late, familyLast));
            healthy &= !late;
        }
        return new Status(healthy, healthy ? now : latest, now, nodeEligible, families);
    }

    /**
     * @param healthy      the proxy's own health (what /livez reports)
     * @param lastUpdated  see {@link #status()}
     * @param currentTime  the clock when the status was taken
     * @param nodeEligible false while the Node is being deleted
     * @param families     each judged family's health and last successful sync
     */
    public record Status(boolean healthy, Instant lastUpdated, Instant currentTime, boolean nodeEligible,
                         Map<IpFamily, FamilyStatus> families) {
        public Status {
            Map<IpFamily, FamilyStatus> copy = new EnumMap<>(IpFamily.class);
            copy.putAll(families);
            families = java.util.Collections.unmodifiableMap(copy);
        }

        /** What /healthz reports: healthy and eligible. */
        public boolean healthzOk() {
            return healthy && nodeEligible;
        }
    }

    /**
     * One family's health (kube-proxy's {@code ProxierHealth}).
     *
     * @param healthy     false when a change has waited at least the health timeout
     * @param lastUpdated the family's last successful sync (or the sync loop's start)
     */
    public record FamilyStatus(boolean healthy, Instant lastUpdated) {
    }
}
