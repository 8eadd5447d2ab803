package io.sluice.netlink;

import java.util.List;

/**
 * A {@link NetlinkTransport} that can also send many messages in ONE datagram, as nfnetlink batches must be sent
 * (net/netfilter/nfnetlink.c nfnetlink_rcv_skb_batch processes NFNL_MSG_BATCH_BEGIN ... END of a single skb as one
 * transaction). Implemented by {@link NetlinkSocket}; tests use in-memory fakes.
 *
 * <p>Not thread-safe: one request or batch at a time.
 */
public interface NetlinkBatchTransport extends NetlinkTransport {

    /**
     * Numbers {@code messages} with consecutive fresh sequence numbers, sends them in one datagram and returns what the
     * kernel queued in answer (NLMSG_ERROR messages for failing members and ACKs of members that asked for one).
     *
     * <p>The netfilter subsystem processes a batch synchronously inside the sender's {@code sendmsg}
     * ({@code netlink_unicast_kernel}), so every answer is queued by the time the send returns; the answers are read
     * without waiting.
     *
     * @param operation named in socket errors, e.g. {@code nf_tables batch}
     * @throws NetlinkException when the datagram cannot be sent or answers cannot be read
     */
    BatchReply sendBatch(List<NetlinkMessageBuilder> messages, String operation) throws NetlinkException;

    /**
     * The answers to a batch.
     *
     * @param firstSeq   the sequence number of {@code messages.get(0)}; member i has {@code firstSeq + i}
     * @param answers    the messages the kernel queued, in arrival order
     * @param overflowed true when the socket reported ENOBUFS while reading: some answers were dropped by the kernel
     */
    record BatchReply(int firstSeq, List<NetlinkMessage> answers, boolean overflowed) {
        public BatchReply {
            answers = List.copyOf(answers);
        }
    }
}
