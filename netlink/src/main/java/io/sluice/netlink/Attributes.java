package io.sluice.netlink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A parsed run of netlink attributes in wire order ({@code nla_for_each_attr} semantics). Lookups return the first
 * attribute with a type; unknown types are kept and simply never asked for (newer kernels add attributes).
 */
public final class Attributes {
    private final List<Attribute> list;

    private Attributes(List<Attribute> list) {
        this.list = Collections.unmodifiableList(list);
    }

    /**
     * Parses bytes {@code [from, to)} of {@code data}. An attribute whose length is below the 4-byte header or runs past
     * {@code to} is rejected; trailing bytes shorter than a header are rejected too (the kernel only emits padded runs).
     */
    public static Attributes parse(byte[] data, int from, int to) {
        if (from < 0 || to > data.length || from > to) {
            throw new MalformedNetlinkMessageException("attribute range [" + from + "," + to + ") outside "
                    + data.length + " bytes");
        }
        List<Attribute> out = new ArrayList<>();
        int at = from;
        while (at < to) {
            int remaining = to - at;
            if (remaining < Netlink.NLA_HDRLEN) {
                throw new MalformedNetlinkMessageException("truncated attribute header: " + remaining
                        + " bytes left at offset " + at);
            }
            int len = ByteReader.u16(data, at);
            int rawType = ByteReader.u16(data, at + 2);
            if (len < Netlink.NLA_HDRLEN || len > remaining) {
                throw new MalformedNetlinkMessageException("attribute type " + (rawType & Netlink.NLA_TYPE_MASK)
                        + " at offset " + at + " claims length " + len + " but " + remaining
                        + " bytes are left (minimum " + Netlink.NLA_HDRLEN + ")");
            }
            byte[] value = Arrays.copyOfRange(data, at + Netlink.NLA_HDRLEN, at + len);
            out.add(new Attribute(rawType & Netlink.NLA_TYPE_MASK, rawType, value));
            at += Math.min(Netlink.align(len), remaining);
        }
        return new Attributes(out);
    }

    public List<Attribute> all() {
        return list;
    }

    public Optional<Attribute> find(int type) {
        for (Attribute a : list) {
            if (a.type() == type) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The attribute of that type, or a {@link MalformedNetlinkMessageException} naming {@code what}. */
    public Attribute require(int type, String what) {
        return find(type).orElseThrow(() -> new MalformedNetlinkMessageException(
                "missing attribute " + what + " (type " + type + ")"));
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }
}
