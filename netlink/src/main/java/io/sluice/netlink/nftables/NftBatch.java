package io.sluice.netlink.nftables;

import io.sluice.netlink.NetlinkMessageBuilder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The members of one nf_tables transaction, each with the description errors name it by (e.g.
 * {@code add rule ip kube-proxy services}). {@link NftablesNetlink#commit} frames them with BATCH_BEGIN/END; the
 * kernel applies all of them or none. Not thread-safe.
 */
public final class NftBatch {
    private final List<NetlinkMessageBuilder> messages = new ArrayList<>();
    private final List<String> descriptions = new ArrayList<>();
    private int nextSetId = 1;

    /** Appends one member. */
    public NftBatch add(String description, NetlinkMessageBuilder message) {
        messages.add(Objects.requireNonNull(message, "message"));
        descriptions.add(Objects.requireNonNull(description, "description"));
        return this;
    }

    /** Appends several members under one description (an element list split over messages). */
    public NftBatch addAll(String description, List<NetlinkMessageBuilder> list) {
        for (NetlinkMessageBuilder m : list) {
            add(description, m);
        }
        return this;
    }

    /** A fresh NFTA_SET_ID, unique in this batch (nft numbers its sets 1, 2, ... the same way). */
    public int nextSetId() {
        return nextSetId++;
    }

    public int size() {
        return messages.size();
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    /** The members in order (without BATCH_BEGIN/END). */
    public List<NetlinkMessageBuilder> messages() {
        return Collections.unmodifiableList(messages);
    }

    /** The description of member {@code index}. */
    public String description(int index) {
        return descriptions.get(index);
    }

    /** The encoded size of the members in bytes. */
    public long bytes() {
        long n = 0;
        for (NetlinkMessageBuilder m : messages) {
            n += (m.length() + 3) & ~3;
        }
        return n;
    }
}
