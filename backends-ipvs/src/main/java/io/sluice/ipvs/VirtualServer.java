package io.sluice.ipvs;

import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.Protocol;

import java.util.Comparator;

/**
 * An IPVS virtual server, identified by {address, protocol, port} (IPVS's key when no fwmark is used).
 *
 * @param address   canonical address literal
 * @param scheduler scheduler name ("rr", "wrr", "lc", "wlc", "sh", "dh", "mh", ...)
 * @param flags     IP_VS_SVC_F_* flags (PERSISTENT 0x1, SCHED2/"source hash" 0x10); HASHED 0x2 is never set here
 * @param timeout   persistence timeout in seconds (ClientIP affinity), 0 when not persistent
 */
public record VirtualServer(String address, Protocol protocol, int port, String scheduler, int flags, int timeout)
        implements Comparable<VirtualServer> {
    public static final int FLAG_PERSISTENT = 0x1;
    public static final int FLAG_HASHED = 0x2;
    public static final int FLAG_SOURCE_HASH = 0x10;

    private static final Comparator<VirtualServer> ORDER = Comparator.comparing(VirtualServer::family)
            .thenComparing(VirtualServer::address).thenComparing(VirtualServer::protocol)
            .thenComparingInt(VirtualServer::port);

    public IpFamily family() {
        return IpFamily.of(address);
    }

    /** The identity part only, for lookups. */
    public Key key() {
        return new Key(address, protocol, port);
    }

    /** kube-proxy's {@code VirtualServer.String()}: {@code 10.20.30.41:80/TCP}. */
    @Override
    public String toString() {
        return IpAddresses.joinHostPort(address, port) + "/" + protocol;
    }

    @Override
    public int compareTo(VirtualServer o) {
        return ORDER.compare(this, o);
    }

    /** {address, protocol, port}. */
    public record Key(String address, Protocol protocol, int port) implements Comparable<Key> {
        private static final Comparator<Key> KEY_ORDER = Comparator.comparing((Key k) -> IpFamily.of(k.address))
                .thenComparing(Key::address).thenComparing(Key::protocol).thenComparingInt(Key::port);

        @Override
        public int compareTo(Key o) {
            return KEY_ORDER.compare(this, o);
        }

        @Override
        public String toString() {
            return IpAddresses.joinHostPort(address, port) + "/" + protocol;
        }
    }
}
