package io.sluice.nftables.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A named set ({@code dataType} null) or map ({@code dataType} set; kube-proxy uses verdict maps only).
 *
 * @param keyType  one type, or several for a concatenation ({@code ipv4_addr . inet_proto . inet_service})
 * @param flags    e.g. {@code dynamic,timeout} for affinity sets; written in a fixed order
 * @param timeout  default element timeout in whole seconds, null for none
 * @param comment  null for none
 */
public record NftSet(String name, List<DataType> keyType, DataType dataType, Set<Flag> flags, Duration timeout,
                     String comment) implements NftObject {

    /** Set flags. */
    public enum Flag {
        CONSTANT, DYNAMIC, INTERVAL, TIMEOUT;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public NftSet {
        NftNames.name(name);
        keyType = List.copyOf(keyType);
        if (keyType.isEmpty() || keyType.contains(DataType.VERDICT)) {
            throw new IllegalArgumentException("invalid key type " + keyType);
        }
        flags = Set.copyOf(flags);
        if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.toNanos() % 1_000_000_000L != 0)) {
            throw new IllegalArgumentException("timeout must be whole positive seconds: " + timeout);
        }
        comment = NftNames.comment(comment);
    }

    public static NftSet set(String name, List<DataType> keyType, String comment) {
        return new NftSet(name, keyType, null, Set.of(), null, comment);
    }

    public static NftSet verdictMap(String name, List<DataType> keyType, String comment) {
        return new NftSet(name, keyType, DataType.VERDICT, Set.of(), null, comment);
    }

    public boolean isMap() {
        return dataType != null;
    }

    /** {@code set} or {@code map}. */
    public String keyword() {
        return isMap() ? "map" : "set";
    }

    /** The declaration body: {@code { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }}. */
    public String body() {
        StringBuilder sb = new StringBuilder("{ type ");
        sb.append(keyType.stream().map(DataType::text).collect(Collectors.joining(" . ")));
        if (isMap()) {
            sb.append(" : ").append(dataType.text());
        }
        sb.append(" ; ");
        if (!flags.isEmpty()) {
            sb.append("flags ").append(new TreeSet<>(flags).stream().map(Flag::text).collect(Collectors.joining(",")))
                    .append(" ; ");
        }
        if (timeout != null) {
            sb.append("timeout ").append(timeout.toSeconds()).append("s ; ");
        }
        if (comment != null) {
            sb.append("comment ").append(NftNames.quote(comment)).append(" ; ");
        }
        return sb.append('}').toString();
    }

    /** Same declaration (everything but the name compared too). */
    public boolean sameDeclaration(NftSet o) {
        return Objects.equals(this, o);
    }
}
