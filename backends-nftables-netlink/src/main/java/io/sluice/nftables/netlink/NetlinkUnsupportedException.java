package io.sluice.nftables.netlink;

import io.sluice.nftables.exec.NftException;

/** The netlink applier cannot do this transaction (no encoding, or the kernel refused a message type). */
public class NetlinkUnsupportedException extends NftException {
    public NetlinkUnsupportedException(String message) {
        super(message);
    }
}
