package io.sluice.netlink;

import jnr.ffi.byref.IntByReference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking AF_NETLINK socket ({@code socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, protocol)}) bound to a
 * kernel-assigned port id, speaking request/reply: each {@link #request} gets a new sequence number, is sent to the
 * kernel (port 0) and collects the replies with that sequence ({@link ReplyCollector}).
 *
 * <p>Receive reads up to 1 MiB per datagram and SO_RCVBUF is raised so big dumps (thousands of virtual servers) do
 * not overrun (ENOBUFS). Each recv waits at most the receive timeout (moby/ipvs uses 3 s, send 30 s); a request fails
 * with ETIMEDOUT once its whole deadline has passed without completing.
 *
 * <p>Not thread-safe: one thread owns the socket. {@link #close()} is idempotent.
 */
public final class NetlinkSocket implements NetlinkBatchTransport {
    /** Maximum datagram read at once; the kernel sizes dump skbs well below this. */
    static final int RECV_BUFFER = 1 << 20;
    private static final int SOCKET_BUFFER = 4 << 20;

    private final LibC libc;
    private final int fd;
    private final int protocol;
    private final Duration requestTimeout;
    private final ByteBuffer recvBuffer = ByteBuffer.allocateDirect(RECV_BUFFER);
    private final byte[] recvBytes = new byte[RECV_BUFFER];
    private int seq;
    private boolean closed;
    /** The largest datagram the send buffer was sized for by {@link #sendBatch} (0: SO_SNDBUF as opened). */
    private int sendBufferBytes;

    private NetlinkSocket(LibC libc, int fd, int protocol, Duration requestTimeout) {
        this.libc = libc;
        this.fd = fd;
        this.protocol = protocol;
        this.requestTimeout = requestTimeout;
        // Start from the clock like libnl/iproute2 do, so sequence numbers differ across restarts.
        this.seq = (int) (System.currentTimeMillis() / 1000);
    }

    /** Opens a socket for {@link Netlink#NETLINK_GENERIC} or {@link Netlink#NETLINK_ROUTE}, 30 s per request. */
    public static NetlinkSocket open(int protocol) throws NetlinkException {
        return open(protocol, Duration.ofSeconds(3), Duration.ofSeconds(30));
    }

    /**
     * @param recvTimeout    SO_RCVTIMEO for each recv (and SO_SNDTIMEO for send)
     * @param requestTimeout overall deadline for one request
     */
    public static NetlinkSocket open(int protocol, Duration recvTimeout, Duration requestTimeout)
            throws NetlinkException {
        String op = "netlink socket(protocol " + protocol + ")";
        LibC libc;
        try {
            libc = LibC.get();
        } catch (LinkageError | RuntimeException e) {
            throw new NetlinkException(op, 0, "cannot load libc through jnr-ffi: " + e, e);
        }
        int fd = libc.socket(Netlink.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw new NetlinkException(op, LibC.errno(), "socket() failed");
        }
        NetlinkSocket s = new NetlinkSocket(libc, fd, protocol, requestTimeout);
        try {
            s.setInt(LibC.SO_SNDBUF, SOCKET_BUFFER, "SO_SNDBUF");
            // SO_RCVBUFFORCE passes net.core.rmem_max when we have CAP_NET_ADMIN; fall back to the capped option.
            if (libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, intBytes(SOCKET_BUFFER), 4) != 0) {
                s.setInt(LibC.SO_RCVBUF, SOCKET_BUFFER, "SO_RCVBUF");
            }
            s.setTimeval(LibC.SO_RCVTIMEO, recvTimeout, "SO_RCVTIMEO");
            s.setTimeval(LibC.SO_SNDTIMEO, recvTimeout.multipliedBy(10), "SO_SNDTIMEO");
            byte[] addr = sockaddrNl(0);
            if (libc.bind(fd, addr, addr.length) != 0) {
                throw new NetlinkException(op, LibC.errno(), "bind() failed");
            }
        } catch (NetlinkException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Opens a socket that lives in the network namespace {@code namespace} (e.g. {@code /run/netns/<name>}, made by
     * {@code ip netns add}) while the JVM stays where it is: the calling thread enters the namespace with
     * {@code setns(CLONE_NEWNET)}, creates the socket and returns to its own namespace. A socket keeps the namespace it
     * was created in for its whole life (the kernel binds it to {@code sock_net} at creation).
     *
     * <p>Needs CAP_SYS_ADMIN. Safe to call from any thread: only the calling thread moves, and it is back before this
     * returns.
     *
     * @throws IllegalStateException when the thread could not return to its namespace (it must not be used further)
     */
    public static NetlinkSocket openIn(Path namespace, int protocol) throws NetlinkException {
        String op = "setns(" + namespace + ")";
        LibC libc;
        try {
            libc = LibC.get();
        } catch (LinkageError | RuntimeException e) {
            throw new NetlinkException(op, 0, "cannot load libc through jnr-ffi: " + e, e);
        }
        int home = libc.open("/proc/thread-self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (home < 0) {
            throw new NetlinkException(op, LibC.errno(), "cannot open this thread's network namespace");
        }
        try {
            int target = libc.open(namespace.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
            if (target < 0) {
                throw new NetlinkException(op, LibC.errno(), "cannot open " + namespace);
            }
            try {
                if (libc.setns(target, LibC.CLONE_NEWNET) != 0) {
                    throw new NetlinkException(op, LibC.errno(), "setns() failed");
                }
                try {
                    return open(protocol);
                } finally {
                    if (libc.setns(home, LibC.CLONE_NEWNET) != 0) {
                        throw new IllegalStateException("thread " + Thread.currentThread().getName()
                                + " cannot return to its network namespace: errno " + LibC.errno());
                    }
                }
            } finally {
                libc.close(target);
            }
        } finally {
            libc.close(home);
        }
    }

    /** The netlink port id the kernel assigned at bind (getsockname). */
    public int portId() throws NetlinkException {
        byte[] addr = new byte[12];
        IntByReference len = new IntByReference(addr.length);
        if (libc.getsockname(fd, addr, len) != 0) {
            throw new NetlinkException("getsockname", LibC.errno(), "getsockname() failed");
        }
        return ByteReader.u32(addr, 4);
    }

    public int protocol() {
        return protocol;
    }

    @Override
    public List<NetlinkMessage> request(NetlinkMessageBuilder request, String operation) throws NetlinkException {
        ensureOpen(operation);
        int mySeq = ++seq;
        byte[] msg = request.build(mySeq, 0);
        send(msg, operation);
        ReplyCollector collector = new ReplyCollector(mySeq, operation);
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        while (true) {
            long n = libc.recv(fd, recvBuffer, RECV_BUFFER, 0);
            if (n < 0) {
                int errno = LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno == Errno.EAGAIN && System.nanoTime() < deadline) {
                    continue;
                }
                throw new NetlinkException(operation, errno == Errno.EAGAIN ? Errno.ETIMEDOUT : errno,
                        errno == Errno.EAGAIN ? "no complete reply within " + requestTimeout : "recv() failed");
            }
            if (n == 0) {
                throw new NetlinkException(operation, 0, "recv() returned 0 bytes");
            }
            int len = (int) n;
            recvBuffer.clear();
            recvBuffer.get(recvBytes, 0, len);
            recvBuffer.clear();
            List<NetlinkMessage> messages;
            try {
                messages = NetlinkMessageParser.parse(recvBytes, len);
            } catch (MalformedNetlinkMessageException e) {
                throw new NetlinkException(operation, 0, "malformed reply: " + e.getMessage(), e);
            }
            if (collector.acceptAll(messages)) {
                return collector.replies();
            }
        }
    }

    @Override
    public BatchReply sendBatch(List<NetlinkMessageBuilder> messages, String operation) throws NetlinkException {
        ensureOpen(operation);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        long total = 0;
        for (NetlinkMessageBuilder m : messages) {
            total += Netlink.align(m.length());
        }
        if (total > Integer.MAX_VALUE - 64) {
            throw new NetlinkException(operation, 0, "batch of " + total + " bytes is too large for one datagram");
        }
        int first = seq + 1;
        byte[] datagram = new byte[(int) total];
        int at = 0;
        for (NetlinkMessageBuilder m : messages) {
            byte[] one = m.build(++seq, 0);
            System.arraycopy(one, 0, datagram, at, one.length);
            at += Netlink.align(one.length);
        }
        // netlink_sendmsg refuses a datagram above sk_sndbuf - 32 with EMSGSIZE: size the buffer to the batch, as
        // nft does (src/mnl.c mnl_set_sndbuffer). The kernel doubles the value it is given.
        if (datagram.length > sendBufferBytes && datagram.length > 1 << 16) {
            int want = datagram.length + (1 << 16);
            if (libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUFFORCE, intBytes(want), 4) != 0) {
                throw new NetlinkException(operation, LibC.errno(), "setsockopt(SO_SNDBUFFORCE, " + want
                        + ") failed for a batch of " + datagram.length + " bytes");
            }
            sendBufferBytes = want;
        }
        send(datagram, operation);
        List<NetlinkMessage> answers = new ArrayList<>();
        boolean overflowed = false;
        while (true) {
            long n = libc.recv(fd, recvBuffer, RECV_BUFFER, LibC.MSG_DONTWAIT);
            if (n < 0) {
                int errno = LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno == Errno.ENOBUFS) {
                    overflowed = true;
                    continue;
                }
                if (errno == Errno.EAGAIN) {
                    break;
                }
                throw new NetlinkException(operation, errno, "recv() failed");
            }
            int len = (int) n;
            recvBuffer.clear();
            recvBuffer.get(recvBytes, 0, len);
            recvBuffer.clear();
            try {
                answers.addAll(NetlinkMessageParser.parse(recvBytes, len));
            } catch (MalformedNetlinkMessageException e) {
                throw new NetlinkException(operation, 0, "malformed answer: " + e.getMessage(), e);
            }
        }
        return new BatchReply(first, answers, overflowed);
    }

    private void send(byte[] msg, String operation) throws NetlinkException {
        byte[] kernel = sockaddrNl(0);
        while (true) {
            long n = libc.sendto(fd, msg, msg.length, 0, kernel, kernel.length);
            if (n == msg.length) {
                return;
            }
            int errno = n < 0 ? LibC.errno() : 0;
            if (errno == Errno.EINTR) {
                continue;
            }
            throw new NetlinkException(operation, errno, n < 0 ? "sendto() failed" : "short send of " + n + " bytes");
        }
    }

    private void ensureOpen(String operation) throws NetlinkException {
        if (closed) {
            throw new NetlinkException(operation, 0, "netlink socket is closed");
        }
    }

    private void setInt(int option, int value, String name) throws NetlinkException {
        if (libc.setsockopt(fd, LibC.SOL_SOCKET, option, intBytes(value), 4) != 0) {
            throw new NetlinkException("setsockopt(" + name + ")", LibC.errno(), "setsockopt() failed");
        }
    }

    private void setTimeval(int option, Duration d, String name) throws NetlinkException {
        // struct timeval {time_t tv_sec; suseconds_t tv_usec;}: two longs on the 64-bit Linux targets we support.
        byte[] tv;
        long sec = d.getSeconds();
        long usec = d.getNano() / 1000L;
        tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(sec).putLong(usec).array();
        if (libc.setsockopt(fd, LibC.SOL_SOCKET, option, tv, tv.length) != 0) {
            throw new NetlinkException("setsockopt(" + name + ")", LibC.errno(), "setsockopt() failed");
        }
    }

    private static byte[] intBytes(int v) {
        byte[] b = new byte[4];
        NetlinkMessageBuilder.putU32(b, 0, v);
        return b;
    }

    /** struct sockaddr_nl {u16 nl_family = AF_NETLINK; u16 pad; u32 nl_pid; u32 nl_groups = 0}. */
    private static byte[] sockaddrNl(int pid) {
        byte[] a = new byte[12];
        NetlinkMessageBuilder.putU16(a, 0, Netlink.AF_NETLINK);
        NetlinkMessageBuilder.putU32(a, 4, pid);
        return a;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }
}
