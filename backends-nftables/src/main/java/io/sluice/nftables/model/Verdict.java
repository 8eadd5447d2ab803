package io.sluice.nftables.model;

import java.util.Objects;

/**
 * A verdict: {@code accept}, {@code drop}, {@code return}, {@code jump CHAIN} or {@code goto CHAIN}. Used as a rule
 * statement and as the value of verdict-map elements.
 *
 * @param chain the target of jump/goto, null otherwise
 */
public record Verdict(Kind kind, String chain) {
    public enum Kind { ACCEPT, DROP, RETURN, JUMP, GOTO }

    public static final Verdict ACCEPT = new Verdict(Kind.ACCEPT, null);
    public static final Verdict DROP = new Verdict(Kind.DROP, null);
    public static final Verdict RETURN = new Verdict(Kind.RETURN, null);

    public Verdict {
        Objects.requireNonNull(kind, "kind");
        boolean needsChain = kind == Kind.JUMP || kind == Kind.GOTO;
        if (needsChain) {
            NftNames.name(chain);
        } else if (chain != null) {
            throw new IllegalArgumentException(kind + " takes no chain");
        }
    }

    public static Verdict goTo(String chain) {
        return new Verdict(Kind.GOTO, chain);
    }

    public static Verdict jump(String chain) {
        return new Verdict(Kind.JUMP, chain);
    }

    /** {@code drop}, {@code goto service-…}. */
    public String text() {
        return switch (kind) {
            case ACCEPT -> "accept";
            case DROP -> "drop";
            case RETURN -> "return";
            case JUMP -> "jump " + chain;
            case GOTO -> "goto " + chain;
        };
    }
}
