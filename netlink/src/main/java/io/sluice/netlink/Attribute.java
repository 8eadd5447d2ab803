package io.sluice.netlink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One parsed netlink attribute. {@link #type()} has the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits masked off
 * ({@code NLA_TYPE_MASK} 0x3FFF); every accessor checks the value is long enough before reading.
 */
public record Attribute(int type, int rawType, byte[] value) {

    public int u8() {
        return ByteReader.u8(value, 0);
    }

    public int u16() {
        return ByteReader.u16(value, 0);
    }

    public int u16be() {
        return ByteReader.u16be(value, 0);
    }

    public int u32() {
        return ByteReader.u32(value, 0);
    }

    /** A big-endian u32, as nf_tables sends its integers. */
    public int u32be() {
        return ByteReader.u32be(value, 0);
    }

    public long u64be() {
        return ByteReader.u64be(value, 0);
    }

    public long u64() {
        return ByteReader.u64(value, 0);
    }

    /** A counter the kernel sends as u32 or (in *_STATS64) u64, read by the value's length. */
    public long unsigned() {
        return value.length >= 8 ? u64() : Integer.toUnsignedLong(u32());
    }

    /** The string up to the first NUL (or the whole value when there is none). */
    public String string() {
        int end = 0;
        while (end < value.length && value[end] != 0) {
            end++;
        }
        return new String(value, 0, end, StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
        return value.clone();
    }

    /** The value read as a sequence of attributes. */
    public Attributes nested() {
        return Attributes.parse(value, 0, value.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attribute a && a.type == type && a.rawType == rawType && Arrays.equals(a.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * rawType + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Attribute[type=" + type + ", len=" + value.length + "]";
    }
}
