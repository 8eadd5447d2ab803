package io.sluice.nftables.model;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Validation and quoting of everything that is spliced into nft text.
 *
 * <p>Names (tables, chains, sets, maps) are written unquoted, as knftables writes them, so they must lex as one nft
 * identifier: a letter or {@code _} first, then letters, digits and {@code / - _ .}, at most
 * {@link #NAME_LENGTH_MAX} bytes (kernel {@code NFT_NAME_MAXLEN}). kube-proxy's chain names
 * ({@code service-ULMVA6XW-ns1/svc1/tcp/p80}) fit this. Comments are written in double quotes; nft's scanner has no
 * escape sequences inside quoted strings (a {@code "} always ends one), so a comment must be printable ASCII without
 * {@code "} and {@code \}; it is cut to {@link #COMMENT_LENGTH_MAX} bytes (knftables {@code CommentLengthMax}, what
 * kube-proxy's truncateNFTablesComment does).
 */
public final class NftNames {
    /** Kernel NFT_NAME_MAXLEN (knftables NameLengthMax). */
    public static final int NAME_LENGTH_MAX = 256;
    /** knftables CommentLengthMax. */
    public static final int COMMENT_LENGTH_MAX = 128;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9/_.\\-]*");
    private static final Pattern COMMENT = Pattern.compile("[\\x20-\\x7e&&[^\"\\\\]]*");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,15}\\*?");

    private NftNames() {
    }

    /** @return {@code name} when it is a valid object name; throws otherwise */
    public static String name(String name) {
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > NAME_LENGTH_MAX
                || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid nftables object name: " + printable(name));
        }
        return name;
    }

    /** True when {@link #name} would accept it. */
    public static boolean isValidName(String name) {
        return name != null && !name.isEmpty() && name.length() <= NAME_LENGTH_MAX && NAME.matcher(name).matches();
    }

    /** @return the comment cut to {@link #COMMENT_LENGTH_MAX}, or null for null; throws on characters nft cannot take */
    public static String comment(String comment) {
        if (comment == null) {
            return null;
        }
        if (!COMMENT.matcher(comment).matches()) {
            throw new IllegalArgumentException("invalid nftables comment: " + printable(comment));
        }
        return comment.length() > COMMENT_LENGTH_MAX ? comment.substring(0, COMMENT_LENGTH_MAX) : comment;
    }

    /** An interface name as {@code iif} takes it, optionally ending in {@code *} (prefix match). */
    public static String interfaceName(String name) {
        if (name == null || !IFNAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid interface name: " + printable(name));
        }
        return name;
    }

    /** {@code "text"}. */
    public static String quote(String validatedComment) {
        return "\"" + validatedComment + "\"";
    }

    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
            if (sb.length() > 300) {
                sb.append("...");
                break;
            }
        }
        return sb.toString();
    }
}
