package io.sluice.core.model;

import java.util.Optional;

/**
 * A canonical CIDR: the network address (host bits cleared) and the prefix length, printed like Go's
 * {@code IPNet.String()} ("203.0.113.0/25"). Parsing is sloppy like {@code ParseCIDRSloppy} and trims white space, as
 * kube-proxy trims {@code loadBalancerSourceRanges}.
 */
public record Cidr(byte[] network, int prefix) {

    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        if (slash <= 0 || slash == s.length() - 1 || s.length() - slash > 4) {
            return Optional.empty();
        }
        byte[] addr = IpAddresses.parse(s.substring(0, slash));
        if (addr == null) {
            return Optional.empty();
        }
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String lenText = s.substring(slash + 1);
        if (!lenText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        // A mapped IPv4 address in IPv6 CIDR form keeps IPv6 semantics in Go; we reject it rather than guess.
        if (s.substring(0, slash).indexOf(':') >= 0 && addr.length == 4) {
            return Optional.empty();
        }
        if (prefix < 0 || prefix > addr.length * 8) {
            return Optional.empty();
        }
        return Optional.of(new Cidr(mask(addr, prefix), prefix));
    }

    private static byte[] mask(byte[] addr, int prefix) {
        byte[] out = addr.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        return out;
    }

    public IpFamily family() {
        return network.length == 4 ? IpFamily.IPv4 : IpFamily.IPv6;
    }

    /** True when the canonical address literal lies inside this network. */
    public boolean contains(String ip) {
        byte[] b = IpAddresses.parse(ip);
        if (b == null || b.length != network.length) {
            return false;
        }
        byte[] m = mask(b, prefix);
        return java.util.Arrays.equals(m, network);
    }

    @Override
    public String toString() {
        return IpAddresses.format(network) + "/" + prefix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }
}
