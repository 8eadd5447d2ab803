package io.sluice.netlink;

/**
 * rtnetlink constants (kernel uapi {@code linux/rtnetlink.h}, {@code linux/if_link.h}, {@code linux/if_addr.h}) and
 * the two fixed family headers Sluice sends.
 */
public final class Rtnetlink {
    private Rtnetlink() {
    }

    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;

    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_INFO_KIND = 1;

    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;

    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    /** RT_SCOPE_UNIVERSE: what {@code ip addr add} and vishvananda/netlink use by default. */
    public static final int RT_SCOPE_UNIVERSE = 0;

    /** sizeof(struct ifinfomsg). */
    public static final int IFINFOMSG_LEN = 16;
    /** sizeof(struct ifaddrmsg). */
    public static final int IFADDRMSG_LEN = 8;

    /** struct ifinfomsg {u8 family; u8 pad; u16 type; s32 index; u32 flags; u32 change}. */
    public static byte[] ifinfomsg(int family, int index) {
        byte[] b = new byte[IFINFOMSG_LEN];
        b[0] = (byte) family;
        NetlinkMessageBuilder.putU32(b, 4, index);
        return b;
    }

    /** struct ifaddrmsg {u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index}. */
    public static byte[] ifaddrmsg(int family, int prefixLength, int scope, int index) {
        byte[] b = new byte[IFADDRMSG_LEN];
        b[0] = (byte) family;
        b[1] = (byte) prefixLength;
        b[3] = (byte) scope;
        NetlinkMessageBuilder.putU32(b, 4, index);
        return b;
    }
}
