package io.sluice.nftables.model;

import java.util.Objects;

/**
 * A chain; a base chain when {@code base} is set.
 *
 * @param base    type, hook and priority of a base chain, null for a regular chain
 * @param comment null for none
 */
public record Chain(String name, Base base, String comment) implements NftObject {
    public Chain {
        NftNames.name(name);
        comment = NftNames.comment(comment);
    }

    public static Chain regular(String name) {
        return new Chain(name, null, null);
    }

    /** Base-chain types. */
    public enum Type { FILTER, NAT }

    /** Netfilter hooks. */
    public enum Hook { PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING }

    /**
     * {@code { type filter hook input priority 0 ; }}. The priority is numeric, as knftables writes it after
     * ParsePriority (dstnat = -100, filter = 0, srcnat = 100).
     */
    public record Base(Type type, Hook hook, int priority) {
        public Base {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(hook, "hook");
        }
    }
}
