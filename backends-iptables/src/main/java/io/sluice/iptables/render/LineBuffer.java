package io.sluice.iptables.render;

import java.util.List;

/**
 * upstream {@code utilproxy.LineBuffer}: words joined by single spaces, one line per {@link #write}, counted. Not
 * thread-safe.
 */
final class LineBuffer {
    private final StringBuilder text;
    private long lines;

    private LineBuffer(boolean keep) {
        this.text = keep ? new StringBuilder(4096) : null;
    }

    static LineBuffer keeping() {
        return new LineBuffer(true);
    }

    /** Each part is a String or a {@code List<String>} (flattened). Empty lists add nothing. */
    void write(Object... parts) {
        if (text != null) {
            boolean first = true;
            for (Object p : parts) {
                if (p instanceof List<?> l) {
                    for (Object w : l) {
                        first = append(first, (String) w);
                    }
                } else {
                    first = append(first, (String) p);
                }
            }
            text.append('\n');
        }
        lines++;
    }

    private boolean append(boolean first, String word) {
        if (!first) {
            text.append(' ');
        }
        text.append(word);
        return false;
    }

    long lines() {
        return lines;
    }

    String text() {
        return text == null ? "" : text.toString();
    }
}
