package io.sluice.netlink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a datagram received from a netlink socket into messages ({@code NLMSG_OK}/{@code NLMSG_NEXT} semantics).
 * Every length is checked against the bytes actually received: a header shorter than 16 bytes or a length that points
 * past the end is rejected with {@link MalformedNetlinkMessageException}, never read.
 */
public final class NetlinkMessageParser {
    private NetlinkMessageParser() {
    }

    public static List<NetlinkMessage> parse(byte[] buffer) {
        return parse(buffer, buffer.length);
    }

    /** Parses the first {@code length} bytes of {@code buffer}. */
    public static List<NetlinkMessage> parse(byte[] buffer, int length) {
        if (length < 0 || length > buffer.length) {
            throw new IllegalArgumentException("length " + length + " outside buffer of " + buffer.length);
        }
        List<NetlinkMessage> out = new ArrayList<>();
        int at = 0;
        while (at < length) {
            int remaining = length - at;
            if (remaining < Netlink.NLMSG_HDRLEN) {
                throw new MalformedNetlinkMessageException("truncated netlink header: " + remaining
                        + " bytes left at offset " + at + ", a header needs " + Netlink.NLMSG_HDRLEN);
            }
            int len = ByteReader.u32(buffer, at);
            if (len < Netlink.NLMSG_HDRLEN || len > remaining) {
                throw new MalformedNetlinkMessageException("netlink message at offset " + at + " claims length "
                        + Integer.toUnsignedString(len) + " but " + remaining + " bytes are left (minimum "
                        + Netlink.NLMSG_HDRLEN + ")");
            }
            int type = ByteReader.u16(buffer, at + 4);
            int flags = ByteReader.u16(buffer, at + 6);
            int seq = ByteReader.u32(buffer, at + 8);
            int pid = ByteReader.u32(buffer, at + 12);
            byte[] payload = Arrays.copyOfRange(buffer, at + Netlink.NLMSG_HDRLEN, at + len);
            out.add(new NetlinkMessage(type, flags, seq, pid, payload));
            // NLMSG_NEXT: the next message starts at the aligned length; the last one may end unpadded.
            at += Math.min(Netlink.align(len), remaining);
        }
        return out;
    }
}
