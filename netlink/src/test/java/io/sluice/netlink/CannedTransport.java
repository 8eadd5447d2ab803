package io.sluice.netlink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A {@link NetlinkTransport} fake: records each request as the bytes the socket would send (sequence numbers 1, 2, ...,
 * pid 0) and answers with queued canned datagrams, run through the real parser and {@link ReplyCollector}.
 */
public final class CannedTransport implements NetlinkTransport {
    public final List<byte[]> sent = new ArrayList<>();
    public final List<String> operations = new ArrayList<>();
    private final Deque<byte[]> answers = new ArrayDeque<>();
    private int seq;
    public boolean closed;

    /** Queues the datagram answering the next request. */
    public CannedTransport answer(byte[] datagram) {
        answers.add(datagram);
        return this;
    }

    @Override
    public List<NetlinkMessage> request(NetlinkMessageBuilder request, String operation) throws NetlinkException {
        int mySeq = ++seq;
        sent.add(request.build(mySeq, 0));
        operations.add(operation);
        ReplyCollector collector = new ReplyCollector(mySeq, operation);
        byte[] datagram = answers.poll();
        if (datagram == null) {
            throw new AssertionError("no canned answer for " + operation);
        }
        if (!collector.acceptAll(NetlinkMessageParser.parse(datagram))) {
            throw new AssertionError("canned answer for " + operation + " does not complete the request");
        }
        return collector.replies();
    }

    @Override
    public void close() {
        closed = true;
    }

    /** An ACK (NLMSG_ERROR with error 0) for sequence {@code seq}. */
    public static byte[] ack(int seq) {
        return error(seq, 0);
    }

    /** NLMSG_ERROR carrying {@code -errno} and a capped copy of a 16-byte request header. */
    public static byte[] error(int seq, int errno) {
        byte[] b = new byte[36];
        NetlinkMessageBuilder.putU32(b, 0, 36);
        NetlinkMessageBuilder.putU16(b, 4, Netlink.NLMSG_ERROR);
        NetlinkMessageBuilder.putU32(b, 8, seq);
        NetlinkMessageBuilder.putU32(b, 16, -errno);
        NetlinkMessageBuilder.putU32(b, 20, 16);
        return b;
    }

    /** NLMSG_DONE (with the int 0 payload the kernel sends). */
    public static byte[] done(int seq) {
        byte[] b = new byte[20];
        NetlinkMessageBuilder.putU32(b, 0, 20);
        NetlinkMessageBuilder.putU16(b, 4, Netlink.NLMSG_DONE);
        NetlinkMessageBuilder.putU16(b, 6, Netlink.NLM_F_MULTI);
        NetlinkMessageBuilder.putU32(b, 8, seq);
        return b;
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
