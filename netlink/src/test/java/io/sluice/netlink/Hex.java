package io.sluice.netlink;

import java.util.HexFormat;

/** Hex test vectors: whitespace and {@code |} separators are ignored, {@code #} starts a comment to end of line. */
public final class Hex {
    private Hex() {
    }

    public static byte[] bytes(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            sb.append(hash >= 0 ? line.substring(0, hash) : line);
        }
        return HexFormat.of().parseHex(sb.toString().replaceAll("[\\s|]", ""));
    }

    public static String of(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
