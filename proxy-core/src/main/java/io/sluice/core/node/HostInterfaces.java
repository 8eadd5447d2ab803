package io.sluice.core.node;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The addresses of the host's interfaces in the current network namespace (kube-proxy's
 * {@code proxyutil.NetworkInterfacer.InterfaceAddrs}). Tests pass a lambda with fixed addresses.
 */
@FunctionalInterface
public interface HostInterfaces {

    /**
     * Every address of every interface that is up, sorted by interface name then address.
     *
     * @throws UncheckedIOException when the interfaces cannot be read
     */
    List<InterfaceAddress> addresses();

    /** Reads the interfaces through the JDK (netlink / ioctl underneath); no DNS lookups. */
    static HostInterfaces system() {
        return () -> {
            List<InterfaceAddress> out = new ArrayList<>();
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (!ni.isUp()) {
                        continue;
                    }
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        String s = a.getHostAddress();
                        int pct = s.indexOf('%');
                        out.add(new InterfaceAddress(ni.getName(), pct < 0 ? s : s.substring(0, pct)));
                    }
                }
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
            Collections.sort(out);
            return out;
        };
    }
}
