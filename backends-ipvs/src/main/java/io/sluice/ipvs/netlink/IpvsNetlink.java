package io.sluice.ipvs.netlink;

/** Command and attribute ids of the "IPVS" generic netlink family (kernel {@code include/uapi/linux/ip_vs.h}). */
public final class IpvsNetlink {
    private IpvsNetlink() {
    }

    public static final String FAMILY_NAME = "IPVS";
    public static final int GENL_VERSION = 1;

    public static final int CMD_NEW_SERVICE = 1;
    public static final int CMD_SET_SERVICE = 2;
    public static final int CMD_DEL_SERVICE = 3;
    public static final int CMD_GET_SERVICE = 4;
    public static final int CMD_NEW_DEST = 5;
    public static final int CMD_SET_DEST = 6;
    public static final int CMD_DEL_DEST = 7;
    public static final int CMD_GET_DEST = 8;
    public static final int CMD_SET_CONFIG = 12;
    public static final int CMD_GET_CONFIG = 13;
    public static final int CMD_FLUSH = 17;

    public static final int CMD_ATTR_SERVICE = 1;
    public static final int CMD_ATTR_DEST = 2;
    public static final int CMD_ATTR_TIMEOUT_TCP = 4;
    public static final int CMD_ATTR_TIMEOUT_TCP_FIN = 5;
    public static final int CMD_ATTR_TIMEOUT_UDP = 6;

    public static final int SVC_ATTR_AF = 1;
    public static final int SVC_ATTR_PROTOCOL = 2;
    public static final int SVC_ATTR_ADDR = 3;
    public static final int SVC_ATTR_PORT = 4;
    public static final int SVC_ATTR_FWMARK = 5;
    public static final int SVC_ATTR_SCHED_NAME = 6;
    public static final int SVC_ATTR_FLAGS = 7;
    public static final int SVC_ATTR_TIMEOUT = 8;
    public static final int SVC_ATTR_NETMASK = 9;
    public static final int SVC_ATTR_STATS = 10;
    public static final int SVC_ATTR_PE_NAME = 11;
    public static final int SVC_ATTR_STATS64 = 12;

    public static final int DEST_ATTR_ADDR = 1;
    public static final int DEST_ATTR_PORT = 2;
    public static final int DEST_ATTR_FWD_METHOD = 3;
    public static final int DEST_ATTR_WEIGHT = 4;
    public static final int DEST_ATTR_U_THRESH = 5;
    public static final int DEST_ATTR_L_THRESH = 6;
    public static final int DEST_ATTR_ACTIVE_CONNS = 7;
    public static final int DEST_ATTR_INACT_CONNS = 8;
    public static final int DEST_ATTR_PERSIST_CONNS = 9;
    public static final int DEST_ATTR_STATS = 10;
    public static final int DEST_ATTR_ADDR_FAMILY = 11;
    public static final int DEST_ATTR_STATS64 = 12;

    public static final int STATS_ATTR_CONNS = 1;
    public static final int STATS_ATTR_INPKTS = 2;
    public static final int STATS_ATTR_OUTPKTS = 3;
    public static final int STATS_ATTR_INBYTES = 4;
    public static final int STATS_ATTR_OUTBYTES = 5;
    public static final int STATS_ATTR_CPS = 6;
    public static final int STATS_ATTR_INPPS = 7;
    public static final int STATS_ATTR_OUTPPS = 8;
    public static final int STATS_ATTR_INBPS = 9;
    public static final int STATS_ATTR_OUTBPS = 10;

    /** IP_VS_CONN_F_MASQ: forwarding method masquerade (NAT), the only one kube-proxy uses. */
    public static final int FWD_MASQUERADE = 0;
    /** IP_VS_CONN_F_FWD_MASK. */
    public static final int FWD_MASK = 0x7;

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_SCTP = 132;
}
