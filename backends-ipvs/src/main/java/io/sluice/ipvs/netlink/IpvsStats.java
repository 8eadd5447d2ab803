package io.sluice.ipvs.netlink;

import io.sluice.netlink.Attribute;
import io.sluice.netlink.Attributes;

/**
 * Counters of a virtual or real server ({@code IPVS_STATS_ATTR_*}), read from STATS64 when the kernel sends it and
 * from the 32-bit STATS otherwise.
 */
public record IpvsStats(long connections, long packetsIn, long packetsOut, long bytesIn, long bytesOut, long cps,
                        long ppsIn, long ppsOut, long bpsIn, long bpsOut) {
    public static final IpvsStats ZERO = new IpvsStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    static IpvsStats parse(Attributes a) {
        return new IpvsStats(get(a, IpvsNetlink.STATS_ATTR_CONNS), get(a, IpvsNetlink.STATS_ATTR_INPKTS),
                get(a, IpvsNetlink.STATS_ATTR_OUTPKTS), get(a, IpvsNetlink.STATS_ATTR_INBYTES),
                get(a, IpvsNetlink.STATS_ATTR_OUTBYTES), get(a, IpvsNetlink.STATS_ATTR_CPS),
                get(a, IpvsNetlink.STATS_ATTR_INPPS), get(a, IpvsNetlink.STATS_ATTR_OUTPPS),
                get(a, IpvsNetlink.STATS_ATTR_INBPS), get(a, IpvsNetlink.STATS_ATTR_OUTBPS));
    }

    private static long get(Attributes a, int type) {
        return a.find(type).map(Attribute::unsigned).orElse(0L);
    }
}
