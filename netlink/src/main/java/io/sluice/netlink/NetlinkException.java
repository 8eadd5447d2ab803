package io.sluice.netlink;

/**
 * A failed netlink request: the kernel answered NLMSG_ERROR with a negative errno, the socket call failed, or the
 * reply was malformed (errno 0). Names the operation (e.g. {@code IPVS_CMD_NEW_SERVICE}).
 */
public class NetlinkException extends Exception {
    private final String operation;
    private final int errno;

    public NetlinkException(String operation, int errno, String detail) {
        super(operation + ": " + detail + (errno != 0 ? ": " + Errno.describe(errno) : ""));
        this.operation = operation;
        this.errno = errno;
    }

    public NetlinkException(String operation, int errno, String detail, Throwable cause) {
        this(operation, errno, detail);
        initCause(cause);
    }

    /** The kernel's errno as a positive number; 0 when the failure did not come from the kernel. */
    public int errno() {
        return errno;
    }

    public String operation() {
        return operation;
    }
}
