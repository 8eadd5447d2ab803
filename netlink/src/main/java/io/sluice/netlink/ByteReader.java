package io.sluice.netlink;

import java.nio.ByteOrder;

/** Bounds-checked host-order and big-endian reads from a byte array. */
public final class ByteReader {
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private ByteReader() {
    }

    public static void check(byte[] b, int at, int length, String what) {
        if (at < 0 || length < 0 || at > b.length - length) {
            throw new MalformedNetlinkMessageException(
                    what + ": needs " + length + " bytes at offset " + at + " but only " + b.length + " are there");
        }
    }

    public static int u8(byte[] b, int at) {
        check(b, at, 1, "u8");
        return b[at] & 0xff;
    }

    public static int u16(byte[] b, int at) {
        check(b, at, 2, "u16");
        int lo = b[at] & 0xff;
        int hi = b[at + 1] & 0xff;
        return LITTLE ? lo | hi << 8 : hi | lo << 8;
    }

    public static int u16be(byte[] b, int at) {
        check(b, at, 2, "u16be");
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    /** A u32 as a Java int (use {@link Integer#toUnsignedLong} for values above 2^31). */
    public static int u32(byte[] b, int at) {
        check(b, at, 4, "u32");
        int b0 = b[at] & 0xff;
        int b1 = b[at + 1] & 0xff;
        int b2 = b[at + 2] & 0xff;
        int b3 = b[at + 3] & 0xff;
        return LITTLE ? b0 | b1 << 8 | b2 << 16 | b3 << 24 : b3 | b2 << 8 | b1 << 16 | b0 << 24;
    }

    /** A big-endian u32 (nf_tables attributes) as a Java int. */
    public static int u32be(byte[] b, int at) {
        check(b, at, 4, "u32be");
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** A big-endian u64 (nf_tables NFTA_*_HANDLE, NFTA_SET_TIMEOUT). */
    public static long u64be(byte[] b, int at) {
        check(b, at, 8, "u64be");
        return Integer.toUnsignedLong(u32be(b, at)) << 32 | Integer.toUnsignedLong(u32be(b, at + 4));
    }

    public static long u64(byte[] b, int at) {
        check(b, at, 8, "u64");
        long first = Integer.toUnsignedLong(u32(b, at));
        long second = Integer.toUnsignedLong(u32(b, at + 4));
        return LITTLE ? first | second << 32 : second | first << 32;
    }
}
