package io.sluice.core.node;

import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;

import java.util.Objects;

/**
 * One address configured on one of the host's interfaces.
 *
 * @param interfaceName e.g. {@code eth0}, {@code lo}
 * @param ip            canonical literal, without a zone
 */
public record InterfaceAddress(String interfaceName, String ip) implements Comparable<InterfaceAddress> {
    public InterfaceAddress {
        Objects.requireNonNull(interfaceName, "interfaceName");
        String given = ip;
        ip = IpAddresses.canonical(given).orElseThrow(() -> new IllegalArgumentException("not an IP: " + given));
    }

    public IpFamily family() {
        return IpFamily.of(ip);
    }

    public boolean loopback() {
        return IpAddresses.isLoopback(ip);
    }

    @Override
    public int compareTo(InterfaceAddress o) {
        int c = interfaceName.compareTo(o.interfaceName);
        return c != 0 ? c : ip.compareTo(o.ip);
    }
}
