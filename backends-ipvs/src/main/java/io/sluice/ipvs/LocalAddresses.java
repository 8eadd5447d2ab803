package io.sluice.ipvs;

import io.sluice.core.model.IpAddresses;

import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The host's local addresses, for NodePort VIPs and for deciding whether an external/LB IP is already local.
 * Tests use a lambda.
 */
@FunctionalInterface
public interface LocalAddresses {

    /**
     * Canonical addresses of every interface except {@code exceptInterface}, without loopback and IPv6 link-local
     * addresses (kube-proxy's {@code GetAllLocalAddressesExcept}).
     */
    SortedSet<String> addressesExcept(String exceptInterface);

    /** Reads the interfaces of the current network namespace through the JDK. */
    static LocalAddresses system() {
        return except -> {
            TreeSet<String> out = new TreeSet<>();
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (ni.getName().equals(except)) {
                        continue;
                    }
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        if (a.isLoopbackAddress() || (a instanceof Inet6Address && a.isLinkLocalAddress())) {
                            continue;
                        }
                        IpAddresses.canonical(stripScope(a.getHostAddress())).ifPresent(out::add);
                    }
                }
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        };
    }

    /**
     * Through rtnetlink when {@code link} is the netlink kube-ipvs0 (one address dump; the JDK's enumeration issues
     * ioctls per address, and kube-ipvs0 carries one per service), else {@link #system()}. A failed dump falls back
     * to {@link #system()}.
     */
    public static LocalAddresses through(DummyLink link) {
        LocalAddresses jdk = system();
        if (!(link instanceof io.sluice.ipvs.netlink.RtnetlinkDummyLink rt)) {
            return jdk;
        }
        return except -> {
            if (!except.equals(rt.name())) {
                return jdk.addressesExcept(except);
            }
            try {
                return rt.addressesOfOtherLinks();
            } catch (IpvsException e) {
                return jdk.addressesExcept(except);
            }
        };
    }

    private static String stripScope(String s) {
        int pct = s.indexOf('%');
        return pct < 0 ? s : s.substring(0, pct);
    }
}
