package io.sluice.netlink;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Builds one netlink request: {@code nlmsghdr} (length and sequence filled in by {@link #build}), an optional family
 * header ({@code genlmsghdr}, {@code ifinfomsg}, {@code ifaddrmsg}, ...) and attributes.
 *
 * <p>Pure Java, no native code. Not thread-safe; a builder may be built more than once (e.g. with different sequence
 * numbers) and always gives the same bytes for the same sequence.
 */
public final class NetlinkMessageBuilder implements AttributeWriter {
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final int type;
    private final int flags;
    private byte[] buf = new byte[128];
    private int pos = Netlink.NLMSG_HDRLEN;

    /**
     * @param type  nlmsg_type: a generic netlink family id, GENL_ID_CTRL, or an RTM_* message type
     * @param flags nlmsg_flags; {@link Netlink#NLM_F_REQUEST} and {@link Netlink#NLM_F_ACK} are always added (as
     *              vishvananda/netlink and moby/ipvs do), so every request ends with an ACK, an error or NLMSG_DONE
     */
    public NetlinkMessageBuilder(int type, int flags) {
        this(type, flags | Netlink.NLM_F_ACK, true);
    }

    /** {@code flags} exactly as given plus NLM_F_REQUEST ({@code requestOnly} only tells the constructors apart). */
    private NetlinkMessageBuilder(int type, int flags, boolean requestOnly) {
        if (type < 0 || type > 0xFFFF || flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("nlmsg type/flags out of range: " + type + "/" + flags);
        }
        this.type = type;
        this.flags = flags | Netlink.NLM_F_REQUEST;
    }

    /**
     * A message that asks for no ACK (NLM_F_REQUEST only, plus {@code flags}): the members of an nfnetlink batch,
     * which nft sends that way too. The kernel still answers every failing member with NLMSG_ERROR
     * (net/netfilter/nfnetlink.c nfnetlink_rcv_batch: {@code if (nlh->nlmsg_flags & NLM_F_ACK || err)}), so errors are
     * never lost, and a batch of 100,000 members does not queue 100,000 ACKs on the socket.
     */
    public static NetlinkMessageBuilder withoutAck(int type, int flags) {
        return new NetlinkMessageBuilder(type, flags, true);
    }

    /** The number of bytes written so far (the nlmsg_len {@link #build} will write). */
    public int length() {
        return pos;
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    /** Appends {@code struct genlmsghdr {cmd, version, reserved=0}}. */
    public NetlinkMessageBuilder genlHeader(int cmd, int version) {
        ensure(Netlink.GENL_HDRLEN);
        buf[pos] = (byte) cmd;
        buf[pos + 1] = (byte) version;
        buf[pos + 2] = 0;
        buf[pos + 3] = 0;
        pos += Netlink.GENL_HDRLEN;
        return this;
    }

    /** Appends a fixed family header given as raw bytes (padded to 4), e.g. an encoded {@code ifaddrmsg}. */
    public NetlinkMessageBuilder header(byte[] familyHeader) {
        ensure(Netlink.align(familyHeader.length));
        System.arraycopy(familyHeader, 0, buf, pos, familyHeader.length);
        pos += Netlink.align(familyHeader.length);
        return this;
    }

    /** The complete message with nlmsg_len, nlmsg_seq and nlmsg_pid filled in. */
    public byte[] build(int seq, int pid) {
        byte[] out = Arrays.copyOf(buf, pos);
        putU32(out, 0, pos);
        putU16(out, 4, type);
        putU16(out, 6, flags);
        putU32(out, 8, seq);
        putU32(out, 12, pid);
        return out;
    }

    @Override
    public NetlinkMessageBuilder u8(int type, int value) {
        int at = begin(type, 1);
        buf[at] = (byte) value;
        return end(at - Netlink.NLA_HDRLEN);
    }

    @Override
    public NetlinkMessageBuilder u16(int type, int value) {
        int at = begin(type, 2);
        putU16(buf, at, value);
        return end(at - Netlink.NLA_HDRLEN);
    }

    @Override
    public NetlinkMessageBuilder u16be(int type, int value) {
        int at = begin(type, 2);
        buf[at] = (byte) (value >>> 8);
        buf[at + 1] = (byte) value;
        return end(at - Netlink.NLA_HDRLEN);
    }

    @Override
    public NetlinkMessageBuilder u32(int type, int value) {
        int at = begin(type, 4);
        putU32(buf, at, value);
        return end(at - Netlink.NLA_HDRLEN);
    }

    @Override
    public NetlinkMessageBuilder u64(int type, long value) {
        int at = begin(type, 8);
        if (LITTLE) {
            putU32(buf, at, (int) value);
            putU32(buf, at + 4, (int) (value >>> 32));
        } else {
            putU32(buf, at, (int) (value >>> 32));
            putU32(buf, at + 4, (int) value);
        }
        return end(at - Netlink.NLA_HDRLEN);
    }

    @Override
    public NetlinkMessageBuilder u32be(int type, int value) {
        int at = begin(type, 4);
        putU32be(buf, at, value);
        return end(at - Netlink.NLA_HDRLEN);
    }

    @Override
    public NetlinkMessageBuilder u64be(int type, long value) {
        int at = begin(type, 8);
        putU32be(buf, at, (int) (value >>> 32));
        putU32be(buf, at + 4, (int) value);
        return end(at - Netlink.NLA_HDRLEN);
    }

    @Override
    public NetlinkMessageBuilder string(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        return bytes(type, Arrays.copyOf(s, s.length + 1));
    }

    @Override
    public NetlinkMessageBuilder stringNoNul(int type, String value) {
        return bytes(type, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public NetlinkMessageBuilder bytes(int type, byte[] value) {
        int at = begin(type, value.length);
        System.arraycopy(value, 0, buf, at, value.length);
        return end(at - Netlink.NLA_HDRLEN);
    }

    @Override
    public NetlinkMessageBuilder nested(int type, Consumer<AttributeWriter> body) {
        int start = begin(type, 0) - Netlink.NLA_HDRLEN;
        body.accept(this);
        return end(start);
    }

    @Override
    public NetlinkMessageBuilder nestedFlagged(int type, Consumer<AttributeWriter> body) {
        int start = begin(type, 0) - Netlink.NLA_HDRLEN;
        putU16(buf, start + 2, type | Netlink.NLA_F_NESTED);
        body.accept(this);
        return end(start);
    }

    /** Writes the attribute header (length patched by {@link #end}) and reserves room; returns the value offset. */
    private int begin(int type, int valueLength) {
        if (type < 0 || type > Netlink.NLA_TYPE_MASK) {
            throw new IllegalArgumentException("attribute type out of range: " + type);
        }
        ensure(Netlink.NLA_HDRLEN + Netlink.align(valueLength));
        int at = pos;
        putU16(buf, at + 2, type);
        pos += Netlink.NLA_HDRLEN + valueLength;
        return at + Netlink.NLA_HDRLEN;
    }

    /** Backfills nla_len for the attribute starting at {@code start} and pads the message to 4 bytes. */
    private NetlinkMessageBuilder end(int start) {
        int len = pos - start;
        if (len > 0xFFFF) {
            throw new IllegalArgumentException("attribute longer than 65535 bytes");
        }
        putU16(buf, start, len);
        int padded = Netlink.align(pos);
        ensure(padded - pos);
        Arrays.fill(buf, pos, padded, (byte) 0);
        pos = padded;
        return this;
    }

    private void ensure(int extra) {
        if (pos + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
        }
    }

    public static void putU16(byte[] b, int at, int v) {
        if (LITTLE) {
            b[at] = (byte) v;
            b[at + 1] = (byte) (v >>> 8);
        } else {
            b[at] = (byte) (v >>> 8);
            b[at + 1] = (byte) v;
        }
    }

    public static void putU32be(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    public static void putU32(byte[] b, int at, int v) {
        if (LITTLE) {
            b[at] = (byte) v;
            b[at + 1] = (byte) (v >>> 8);
            b[at + 2] = (byte) (v >>> 16);
            b[at + 3] = (byte) (v >>> 24);
        } else {
            b[at] = (byte) (v >>> 24);
            b[at + 1] = (byte) (v >>> 16);
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) v;
        }
    }
}
