package io.sluice.ipvs;

import io.sluice.core.model.Protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Graceful removal of real servers, after kube-proxy's {@code pkg/proxy/ipvs/graceful_termination.go}: a removed
 * real server is deleted at once when it has no connections (ActiveConns + InactiveConns == 0) or its protocol is
 * UDP or SCTP (no graceful termination: {@code expire_nodest_conn=1} drops their flows on the next packet);
 * otherwise it is weighted 0, so IPVS sends it no new connections, and queued. The queue is re-checked during syncs
 * at most once per {@link #CHECK_INTERVAL} (upstream polls every minute); a queued server is deleted once its
 * connections have drained. A server that becomes desired again is taken off the queue (and re-weighted to 1 by the
 * reconciler).
 *
 * <p>The clock is injected. Not thread-safe: the sync thread owns it.
 */
public final class GracefulTerminationManager {
    /** kube-proxy's {@code rsCheckDeleteInterval}. */
    public static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);

    private final Clock clock;
    private final Duration interval;
    private final TreeMap<Item, Instant> queue = new TreeMap<>();
    private Instant lastCheck;

    /** A queued real server of one virtual server. */
    public record Item(VirtualServer.Key vs, String address, int port) implements Comparable<Item> {
        static Item of(VirtualServer.Key vs, RealServer rs) {
            return new Item(vs, rs.address(), rs.port());
        }

        @Override
        public int compareTo(Item o) {
            int c = vs.compareTo(o.vs);
            if (c != 0) {
                return c;
            }
            c = address.compareTo(o.address);
            return c != 0 ? c : Integer.compare(port, o.port);
        }
    }

    /** What {@link #remove} did. */
    public enum Outcome { DELETED, DRAINING, GONE }

    /** Told about each real server the queue check deleted or failed to handle. */
    public interface Listener {
        void deleted(VirtualServer.Key vs, RealServer rs);

        void failed(String op, String object, IpvsException e);
    }

    public GracefulTerminationManager(Clock clock) {
        this(clock, CHECK_INTERVAL);
    }

    public GracefulTerminationManager(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /** kube-proxy's {@code IsRsGracefulTerminationNeeded}: only TCP drains. */
    public static boolean gracefulTerminationNeeded(Protocol p) {
        return p != Protocol.UDP && p != Protocol.SCTP;
    }

    /**
     * Removes {@code rs} from {@code vs}, reading its current connection counts from the kernel first.
     *
     * @return {@code DELETED} when deleted now, {@code DRAINING} when weighted 0 and queued, {@code GONE} when the
     *         kernel no longer has it
     */
    public Outcome remove(IpvsClient ipvs, VirtualServer.Key vs, RealServer rs) throws IpvsException {
        Item item = Item.of(vs, rs);
        RealServer cur = find(ipvs.realServers(vs), rs);
        if (cur == null) {
            queue.remove(item);
            return Outcome.GONE;
        }
        if (!gracefulTerminationNeeded(vs.protocol()) || cur.activeConns() + cur.inactiveConns() == 0) {
            ipvs.deleteRealServer(vs, cur);
            queue.remove(item);
            return Outcome.DELETED;
        }
        if (cur.weight() != 0) {
            ipvs.updateRealServer(vs, cur.withWeight(0));
        }
        if (queue.isEmpty() && lastCheck == null) {
            lastCheck = clock.instant();
        }
        queue.putIfAbsent(item, clock.instant());
        return Outcome.DRAINING;
    }

    public boolean isQueued(VirtualServer.Key vs, RealServer rs) {
        return queue.containsKey(Item.of(vs, rs));
    }

    /** The real server is desired again: stop draining it. */
    public void cancel(VirtualServer.Key vs, RealServer rs) {
        queue.remove(Item.of(vs, rs));
    }

    /** The virtual server was deleted (with its real servers). */
    public void forget(VirtualServer.Key vs) {
        queue.keySet().removeIf(i -> i.vs().equals(vs));
    }

    public List<Item> queued() {
        return List.copyOf(queue.keySet());
    }

    /**
     * Deletes queued real servers whose connections have drained, unless the last check was less than the interval
     * ago. A server the kernel no longer has leaves the queue; a failed kernel call keeps it queued.
     *
     * @return whether a check ran
     */
    public boolean checkQueue(IpvsClient ipvs, Listener listener) {
        if (queue.isEmpty()) {
            lastCheck = null;
            return false;
        }
        Instant now = clock.instant();
        if (lastCheck != null && now.isBefore(lastCheck.plus(interval))) {
            return false;
        }
        lastCheck = now;
        Map<VirtualServer.Key, List<Item>> byVs = new TreeMap<>();
        for (Item i : queue.keySet()) {
            byVs.computeIfAbsent(i.vs(), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<VirtualServer.Key, List<Item>> e : byVs.entrySet()) {
            List<RealServer> current;
            try {
                current = ipvs.realServers(e.getKey());
            } catch (IpvsException ex) {
                listener.failed("list-real-servers", e.getKey().toString(), ex);
                continue;
            }
            for (Item i : e.getValue()) {
                RealServer cur = find(current, new RealServer(i.address(), i.port(), 0, 0, 0));
                if (cur == null) {
                    queue.remove(i);
                    continue;
                }
                if (cur.activeConns() + cur.inactiveConns() != 0) {
                    continue;
                }
                try {
                    ipvs.deleteRealServer(i.vs(), cur);
                    queue.remove(i);
                    listener.deleted(i.vs(), cur);
                } catch (IpvsException ex) {
                    listener.failed("delete-real-server", i.vs() + " -> " + cur, ex);
                }
            }
        }
        return true;
    }

    private static RealServer find(List<RealServer> list, RealServer rs) {
        for (RealServer r : list) {
            if (r.address().equals(rs.address()) && r.port() == rs.port()) {
                return r;
            }
        }
        return null;
    }
}
