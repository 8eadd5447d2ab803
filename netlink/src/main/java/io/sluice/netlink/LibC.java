package io.sluice.netlink;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LastError;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

import java.nio.ByteBuffer;

/**
 * The few libc socket calls netlink needs, bound with jnr-ffi. Loaded lazily by {@link #get()} (holder idiom), so
 * classes that only build or parse messages never trigger a native load.
 */
public interface LibC {
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_SNDBUF = 7;
    int SO_RCVBUF = 8;
    int SO_RCVTIMEO = 20;
    int SO_SNDTIMEO = 21;
    /** Like SO_RCVBUF but may exceed net.core.rmem_max (needs CAP_NET_ADMIN). */
    int SO_RCVBUFFORCE = 33;
    /** Like SO_SNDBUF but may exceed net.core.wmem_max (needs CAP_NET_ADMIN). */
    int SO_SNDBUFFORCE = 32;
    /** recv flag: return EAGAIN instead of blocking when nothing is queued. */
    int MSG_DONTWAIT = 0x40;
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    /** setns nstype for a network namespace. */
    int CLONE_NEWNET = 0x40000000;

    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] addr, int addrlen);

    @ssize_t long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] addr, int addrlen);

    @ssize_t long recv(int fd, @Out ByteBuffer buf, @size_t long len, int flags);

    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    int getsockname(int fd, @Out byte[] addr, IntByReference addrlen);

    int close(int fd);

    int open(String path, int flags);

    /** Moves the CALLING THREAD into the namespace behind {@code fd} (sockets opened afterwards belong to it). */
    int setns(int fd, int nstype);

    /** errno of the last call made on this thread through this binding. */
    static int errno() {
        return LastError.getLastError(Holder.RUNTIME);
    }

    static LibC get() {
        return Holder.LIBC;
    }

    /** Initialised on first use only. */
    final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Holder() {
        }
    }
}
