package io.sluice.nftables.model;

import io.sluice.core.model.IpFamily;

/** The nftables table family of one IP family: {@code ip} or {@code ip6} (kube-proxy never uses {@code inet}). */
public enum NftFamily {
    IP("ip", "ipv4_addr", "127.0.0.0/8"),
    IP6("ip6", "ipv6_addr", "::1");

    private final String keyword;
    private final String addrType;
    private final String loopback;

    NftFamily(String keyword, String addrType, String loopback) {
        this.keyword = keyword;
        this.addrType = addrType;
        this.loopback = loopback;
    }

    /** {@code ip} or {@code ip6}: the table family and the payload protocol of address matches. */
    public String keyword() {
        return keyword;
    }

    /** {@code ipv4_addr} or {@code ipv6_addr}. */
    public String addrType() {
        return addrType;
    }

    /** kube-proxy's loopback match: {@code 127.0.0.0/8} or {@code ::1}. */
    public String loopback() {
        return loopback;
    }

    public IpFamily ipFamily() {
        return this == IP ? IpFamily.IPv4 : IpFamily.IPv6;
    }

    public static NftFamily of(IpFamily f) {
        return f == IpFamily.IPv4 ? IP : IP6;
    }
}
