package io.sluice.netlink;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the kernel's answer to one request (pure logic, no socket), following {@code netlink_rcv_skb}/
 * {@code netlink_ack} and the dump protocol:
 * <ul>
 *   <li>messages with another sequence number are stale answers to earlier requests and are skipped;</li>
 *   <li>NLMSG_ERROR with error 0 is the ACK that ends a non-dump request (requested with NLM_F_ACK);</li>
 *   <li>NLMSG_ERROR with a negative error fails the request with that errno;</li>
 *   <li>NLMSG_DONE ends a dump (NLM_F_MULTI replies); a negative int in its payload is a dump error;</li>
 *   <li>every other message is a reply and is kept in arrival order.</li>
 * </ul>
 * A dump requested with NLM_F_ACK gets no separate ACK (the kernel skips it for dumps), so DONE and ACK both end the
 * request.
 */
public final class ReplyCollector {
    private final int seq;
    private final String operation;
    private final List<NetlinkMessage> replies = new ArrayList<>();
    private boolean done;

    public ReplyCollector(int seq, String operation) {
        this.seq = seq;
        this.operation = operation;
    }

    /**
     * Feeds one received message.
     *
     * @return true once the request is complete
     * @throws NetlinkException when the kernel reported an error for this request
     */
    public boolean accept(NetlinkMessage m) throws NetlinkException {
        if (done || m.seq() != seq) {
            return done;
        }
        switch (m.type()) {
            case Netlink.NLMSG_NOOP -> {
                return false;
            }
            case Netlink.NLMSG_ERROR -> {
                if (m.payload().length < 4) {
                    throw new NetlinkException(operation, 0, "NLMSG_ERROR of " + m.payload().length
                            + " bytes, shorter than its error code");
                }
                int error = ByteReader.u32(m.payload(), 0);
                if (error != 0) {
                    throw new NetlinkException(operation, -error, "kernel refused the request");
                }
                done = true;
            }
            case Netlink.NLMSG_DONE -> {
                if (m.payload().length >= 4) {
                    int error = ByteReader.u32(m.payload(), 0);
                    if (error < 0) {
                        throw new NetlinkException(operation, -error, "dump ended with an error");
                    }
                }
                done = true;
            }
            case Netlink.NLMSG_OVERRUN -> throw new NetlinkException(operation, Errno.ENOBUFS, "NLMSG_OVERRUN");
            default -> replies.add(m);
        }
        return done;
    }

    /** Feeds a whole received datagram. */
    public boolean acceptAll(List<NetlinkMessage> messages) throws NetlinkException {
        for (NetlinkMessage m : messages) {
            if (accept(m)) {
                return true;
            }
        }
        return done;
    }

    public boolean isDone() {
        return done;
    }

    /** The data messages received so far, in order. */
    public List<NetlinkMessage> replies() {
        return List.copyOf(replies);
    }
}
