package io.sluice.netlink;

/**
 * Netlink constants from the kernel uapi {@code include/uapi/linux/netlink.h} and {@code linux/genetlink.h}, plus the
 * alignment rule ({@code NLMSG_ALIGN}/{@code NLA_ALIGN}: 4 bytes) shared by messages and attributes.
 */
public final class Netlink {
    private Netlink() {
    }

    public static final int AF_NETLINK = 16;
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_NETFILTER = 12;
    public static final int NETLINK_GENERIC = 16;

    /** sizeof(struct nlmsghdr): len u32, type u16, flags u16, seq u32, pid u32. */
    public static final int NLMSG_HDRLEN = 16;
    /** sizeof(struct genlmsghdr): cmd u8, version u8, reserved u16. */
    public static final int GENL_HDRLEN = 4;
    /** sizeof(struct nlattr): len u16, type u16. */
    public static final int NLA_HDRLEN = 4;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_APPEND = 0x800;

    /** NLA_F_NESTED and NLA_F_NET_BYTEORDER live in the top two bits of nla_type; NLA_TYPE_MASK clears them. */
    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_F_NET_BYTEORDER = 0x4000;
    public static final int NLA_TYPE_MASK = 0x3FFF;

    /** The generic netlink controller ("nlctrl"): GENL_ID_CTRL and its command/attributes. */
    public static final int GENL_ID_CTRL = 0x10;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    public static final int CTRL_ATTR_FAMILY_NAME = 2;

    /** Rounds up to the 4-byte netlink alignment. */
    public static int align(int length) {
        return (length + 3) & ~3;
    }
}
