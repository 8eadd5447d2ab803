package io.sluice.iptables.render;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code iptables-restore} payload as a sequence of text chunks, written to the tool's stdin chunk by chunk. The
 * large chunks are the renderer's memoised per-service rule strings, referenced rather than copied: a full payload of
 * 30 MiB costs only its top-level lines on top of the memo, instead of the two or three whole copies (builder, string,
 * bytes) one big {@code String} needs. {@link #toString()} joins the chunks, for dumps and tests only.
 *
 * <p>Immutable; thread-safe.
 */
public final class RestorePayload {
    public static final RestorePayload EMPTY = new RestorePayload(List.of(), 0);

    private final List<String> chunks;
    private final long length;

    private RestorePayload(List<String> chunks, long length) {
        this.chunks = chunks;
        this.length = length;
    }

    /** A payload of one string. */
    public static RestorePayload of(String text) {
        return text.isEmpty() ? EMPTY : new RestorePayload(List.of(text), text.length());
    }

    /** Length in chars (the payload is ASCII apart from comments, so about its size in bytes). */
    public long length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** Writes the payload as UTF-8, chunk by chunk. */
    public void writeTo(OutputStream out) throws IOException {
        for (String c : chunks) {
            out.write(c.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The whole payload as one string (dumps and tests; the sync path streams with {@link #writeTo}). */
    @Override
    public String toString() {
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        StringBuilder sb = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, length));
        chunks.forEach(sb::append);
        return sb.toString();
    }

    /** Equal when the texts are equal, however they are chunked (tests compare renders; the sync path never does). */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof RestorePayload p && p.length == length && p.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /**
     * Builds a payload: small appends are collected in a bounded buffer, {@link #appendShared} adds a string as its
     * own chunk without copying it. Single use, not thread-safe.
     */
    public static final class Builder {
        private static final int FLUSH_AT = 1 << 16;
        private final List<String> chunks = new ArrayList<>();
        private StringBuilder small = new StringBuilder(256);
        private long length;

        public Builder append(CharSequence text) {
            small.append(text);
            if (small.length() >= FLUSH_AT) {
                flush();
            }
            return this;
        }

        public Builder append(char c) {
            small.append(c);
            return this;
        }

        /** Adds {@code text} as a chunk of its own (it is referenced, so it must never change: Strings don't). */
        public Builder appendShared(String text) {
            if (text.length() < 256) {
                return append(text);
            }
            flush();
            chunks.add(text);
            length += text.length();
            return this;
        }

        /** Appends everything of {@code other} (referencing its chunks). */
        public Builder append(Builder other) {
            other.flush();
            for (String c : other.chunks) {
                appendShared(c);
            }
            return this;
        }

        public boolean isEmpty() {
            return length == 0 && small.isEmpty();
        }

        public long length() {
            return length + small.length();
        }

        private void flush() {
            if (!small.isEmpty()) {
                String s = small.toString();
                chunks.add(s);
                length += s.length();
                small = new StringBuilder(256);
            }
        }

        public RestorePayload build() {
            flush();
            return chunks.isEmpty() ? EMPTY : new RestorePayload(List.copyOf(chunks), length);
        }
    }
}
