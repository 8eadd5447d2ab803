package io.sluice.nftables.model;

import java.util.Objects;

/**
 * One line of a transaction. Allowed combinations: rules only with {@link Verb#ADD}; {@link Verb#FLUSH} only on
 * tables, chains and sets/maps.
 */
public record Operation(Verb verb, NftObject object) {
    public Operation {
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(object, "object");
        if (object instanceof Rule && verb != Verb.ADD) {
            throw new IllegalArgumentException("rules can only be added (kube-proxy flushes their chain instead)");
        }
        if (verb == Verb.FLUSH && object instanceof Element) {
            throw new IllegalArgumentException("elements cannot be flushed");
        }
    }
}
