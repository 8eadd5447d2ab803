package io.sluice.iptables.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Rule lines of top-level chains of one table, each tagged with its chain so that a
 * {@link TopLevelRewrite#WHEN_CHANGED} sync can leave out the lines of unchanged chains while keeping upstream's
 * interleaved write order for the chains it writes. Words are joined as {@link LineBuffer} joins them. Not
 * thread-safe while written; read-only afterwards.
 */
final class TopLines {
    /** One {@code -A CHAIN ...} line, without the newline. */
    record Line(TopChain chain, String text) {
    }

    private final String table;
    private final List<Line> lines = new ArrayList<>(4);

    TopLines(String table) {
        this.table = table;
    }

    /** Parts as for {@link LineBuffer#write}; the second part is the chain ({@code "-A", CHAIN, ...}). */
    void write(Object... parts) {
        StringBuilder sb = new StringBuilder(128);
        for (Object p : parts) {
            if (p instanceof List<?> l) {
                for (Object w : l) {
                    append(sb, (String) w);
                }
            } else {
                append(sb, (String) p);
            }
        }
        lines.add(new Line(TopChain.of(table, (String) parts[1]), sb.toString()));
    }

    private static void append(StringBuilder sb, String word) {
        if (!sb.isEmpty()) {
            sb.append(' ');
        }
        sb.append(word);
    }

    List<Line> lines() {
        return lines;
    }
}
