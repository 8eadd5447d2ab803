package io.sluice.netlink;

import java.util.Map;

/** The Linux errno values the netlink code reacts to or reports, with their symbolic names (asm-generic/errno*.h). */
public final class Errno {
    private Errno() {
    }

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOTDIR = 20;
    public static final int ENFILE = 23;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int EMLINK = 31;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ELOOP = 40;
    public static final int ERESTART = 85;
    public static final int EMSGSIZE = 90;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM (operation not permitted)"),
            Map.entry(ENOENT, "ENOENT (no such file or directory)"),
            Map.entry(ESRCH, "ESRCH (no such process/object)"),
            Map.entry(EINTR, "EINTR (interrupted)"),
            Map.entry(ENXIO, "ENXIO (no such device or address)"),
            Map.entry(EAGAIN, "EAGAIN (try again / timed out)"),
            Map.entry(ENOMEM, "ENOMEM (out of memory)"),
            Map.entry(EBUSY, "EBUSY (busy)"),
            Map.entry(EEXIST, "EEXIST (already exists)"),
            Map.entry(ENODEV, "ENODEV (no such device)"),
            Map.entry(EINVAL, "EINVAL (invalid argument)"),
            Map.entry(ENOTDIR, "ENOTDIR (not a directory / wrong object kind)"),
            Map.entry(ENFILE, "ENFILE (too many objects)"),
            Map.entry(EFBIG, "EFBIG (too large)"),
            Map.entry(ENOSPC, "ENOSPC (no space left; set full)"),
            Map.entry(EMLINK, "EMLINK (too many links; chain jump depth)"),
            Map.entry(ERANGE, "ERANGE (out of range)"),
            Map.entry(ENAMETOOLONG, "ENAMETOOLONG (name too long)"),
            Map.entry(ELOOP, "ELOOP (chain loop)"),
            Map.entry(ERESTART, "ERESTART (generation changed; restart)"),
            Map.entry(EMSGSIZE, "EMSGSIZE (message too long)"),
            Map.entry(EPROTONOSUPPORT, "EPROTONOSUPPORT (protocol not supported)"),
            Map.entry(EOPNOTSUPP, "EOPNOTSUPP (operation not supported)"),
            Map.entry(EAFNOSUPPORT, "EAFNOSUPPORT (address family not supported)"),
            Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL (address not available)"),
            Map.entry(ENOBUFS, "ENOBUFS (no buffer space; dump overran the socket buffer)"),
            Map.entry(ETIMEDOUT, "ETIMEDOUT (timed out)"));

    /** "EEXIST (already exists)", or "errno N" for values not listed. */
    public static String describe(int errno) {
        String name = NAMES.get(errno);
        return name != null ? name : "errno " + errno;
    }
}
