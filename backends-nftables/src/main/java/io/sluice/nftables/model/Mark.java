package io.sluice.nftables.model;

import java.util.regex.Pattern;

/**
 * A packet mark literal exactly as kube-proxy spells it: {@code 0x00004000} (real, Go {@code %#08x}) or
 * {@code 0x4000} (upstream's unit tests).
 */
public record Mark(String text) {
    private static final Pattern HEX = Pattern.compile("0x[0-9a-f]{1,8}");

    public Mark {
        if (text == null || !HEX.matcher(text).matches()) {
            throw new IllegalArgumentException("invalid mark: " + NftNames.printable(text));
        }
    }

    /** kube-proxy: {@code fmt.Sprintf("%#08x", 1<<bit)}. */
    public static Mark ofBit(int bit) {
        if (bit < 0 || bit > 31) {
            throw new IllegalArgumentException("mark bit out of range: " + bit);
        }
        return new Mark(String.format("0x%08x", 1L << bit));
    }
}
