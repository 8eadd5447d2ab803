package io.sluice.core.model;

/** Address family. The names match Kubernetes' {@code v1.IPFamily}, which is also the {@code ip_family} metric label. */
public enum IpFamily {
    IPv4, IPv6;

    /** The family of a canonical address literal. */
    public static IpFamily of(String ip) {
        return ip.indexOf(':') >= 0 ? IPv6 : IPv4;
    }
}
