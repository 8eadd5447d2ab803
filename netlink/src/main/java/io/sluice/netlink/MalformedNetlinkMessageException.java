package io.sluice.netlink;

/**
 * A buffer that does not hold well-formed netlink: a length field smaller than its header, larger than the bytes that
 * are there, or an attribute too short for the value read from it. The parser throws this instead of reading past the
 * buffer or guessing.
 */
public class MalformedNetlinkMessageException extends RuntimeException {
    public MalformedNetlinkMessageException(String message) {
        super(message);
    }
}
