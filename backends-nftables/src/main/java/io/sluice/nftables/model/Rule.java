package io.sluice.nftables.model;

import java.util.List;

/**
 * A rule appended to {@code chain}: statements in order, then an optional comment.
 *
 * @param comment null for none; cut to 128 bytes
 */
public record Rule(String chain, List<Statement> statements, String comment) implements NftObject {
    public Rule {
        NftNames.name(chain);
        statements = List.copyOf(statements);
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("empty rule");
        }
        comment = NftNames.comment(comment);
    }

    public static Rule of(String chain, Statement... statements) {
        return new Rule(chain, List.of(statements), null);
    }

    /** The rule's text after the chain name, e.g. {@code ct state new jump firewall-check}. */
    public String text(NftFamily family) {
        StringBuilder sb = new StringBuilder();
        for (Statement s : statements) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(s.text(family));
        }
        if (comment != null) {
            sb.append(" comment ").append(NftNames.quote(comment));
        }
        return sb.toString();
    }
}
