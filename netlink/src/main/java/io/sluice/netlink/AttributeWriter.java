package io.sluice.netlink;

import java.util.function.Consumer;

/**
 * Appends netlink attributes ({@code struct nlattr} + value + padding to 4 bytes). Integers are written in host byte
 * order, as the kernel's {@code nla_get_u32} reads them; {@link #u16be} is for the fields the kernel keeps in network
 * order (IPVS ports are {@code __be16}). The attribute length counts header and value, never the trailing padding.
 *
 * <p>Nested attributes are written WITHOUT {@link Netlink#NLA_F_NESTED}, as vishvananda/netlink's {@code NewRtAttr}
 * (and therefore moby/ipvs) does; the kernel accepts both.
 */
public interface AttributeWriter {
    AttributeWriter u8(int type, int value);

    AttributeWriter u16(int type, int value);

    AttributeWriter u16be(int type, int value);

    AttributeWriter u32(int type, int value);

    AttributeWriter u64(int type, long value);

    /** A u32 in network byte order (nf_tables attributes: the kernel reads them with {@code ntohl(nla_get_be32())}). */
    AttributeWriter u32be(int type, int value);

    /** A u64 in network byte order ({@code nla_get_be64}, e.g. NFTA_SET_TIMEOUT). */
    AttributeWriter u64be(int type, long value);

    /** A string followed by one NUL byte (the kernel's NLA_NUL_STRING / {@code nl.ZeroTerminated}). */
    AttributeWriter string(int type, String value);

    /** A string without a trailing NUL (as iproute2 and vishvananda/netlink send IFLA_INFO_KIND). */
    AttributeWriter stringNoNul(int type, String value);

    AttributeWriter bytes(int type, byte[] value);

    /** A nested attribute whose children {@code body} writes; its length is backfilled afterwards. */
    AttributeWriter nested(int type, Consumer<AttributeWriter> body);

    /**
     * A nested attribute with {@link Netlink#NLA_F_NESTED} set in its type, as libmnl's {@code mnl_attr_nest_start}
     * (and so nft/libnftnl) writes it.
     */
    AttributeWriter nestedFlagged(int type, Consumer<AttributeWriter> body);
}
