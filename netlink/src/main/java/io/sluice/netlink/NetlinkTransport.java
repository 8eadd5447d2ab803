package io.sluice.netlink;

import java.util.List;

/**
 * Sends one netlink request and returns its replies. The real implementation is {@link NetlinkSocket}; tests use
 * in-memory fakes that record the request bytes and answer with canned messages.
 *
 * <p>Not thread-safe: one request at a time.
 */
public interface NetlinkTransport extends AutoCloseable {

    /**
     * Sends {@code request} (with NLM_F_REQUEST|NLM_F_ACK added and a fresh sequence number) and waits for the ACK or,
     * for dumps, NLMSG_DONE.
     *
     * @param operation named in errors, e.g. {@code IPVS_CMD_NEW_SERVICE}
     * @return the data replies (not the ACK/DONE), in order
     * @throws NetlinkException the kernel's error (with its errno), a socket failure or a timeout
     */
    List<NetlinkMessage> request(NetlinkMessageBuilder request, String operation) throws NetlinkException;

    @Override
    void close();
}
