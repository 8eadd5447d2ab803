package io.sluice.netlink;

/**
 * One received netlink message: the {@code nlmsghdr} fields and the payload after the 16-byte header (for generic
 * netlink that starts with the 4-byte {@code genlmsghdr}).
 */
public record NetlinkMessage(int type, int flags, int seq, int pid, byte[] payload) {

    public boolean isMulti() {
        return (flags & Netlink.NLM_F_MULTI) != 0;
    }

    /** For generic netlink: the command byte of the {@code genlmsghdr}. */
    public int genlCommand() {
        return ByteReader.u8(payload, 0);
    }

    /** The attributes that follow a fixed family header of {@code headerLength} bytes (4 for genl). */
    public Attributes attributes(int headerLength) {
        if (payload.length < headerLength) {
            throw new MalformedNetlinkMessageException("message of type " + type + " has " + payload.length
                    + " payload bytes, shorter than its " + headerLength + "-byte family header");
        }
        return Attributes.parse(payload, Math.min(Netlink.align(headerLength), payload.length), payload.length);
    }

    /** For generic netlink: the attributes after the genlmsghdr. */
    public Attributes genlAttributes() {
        return attributes(Netlink.GENL_HDRLEN);
    }
}
