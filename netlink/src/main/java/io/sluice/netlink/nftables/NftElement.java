package io.sluice.netlink.nftables;

import io.sluice.netlink.AttributeWriter;
import io.sluice.netlink.Netlink;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One set element: key bytes (as {@link NftKeys} packs them), optional NFT_SET_ELEM_* flags (interval ends), the value
 * of a map element ({@code null} in plain sets) and optional userdata (a comment).
 */
public record NftElement(byte[] key, int flags, NftData data, byte[] userdata) {
    public NftElement {
        key = key.clone();
        userdata = userdata == null ? new byte[0] : userdata.clone();
    }

    public static NftElement of(byte[] key) {
        return new NftElement(key, 0, null, null);
    }

    public static NftElement of(byte[] key, NftData data) {
        return new NftElement(key, 0, data, null);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] userdata() {
        return userdata.clone();
    }

    /** Writes the element's attributes in libnftnl's order (nftnl_set_elem_nlmsg_build_payload). */
    void write(AttributeWriter w) {
        if (flags != 0) {
            w.u32be(NfTables.NFTA_SET_ELEM_FLAGS, flags);
        }
        w.nestedFlagged(NfTables.NFTA_SET_ELEM_KEY, k -> k.bytes(NfTables.NFTA_DATA_VALUE, key));
        if (data != null) {
            w.nestedFlagged(NfTables.NFTA_SET_ELEM_DATA, data::write);
        }
        if (userdata.length > 0) {
            w.bytes(NfTables.NFTA_SET_ELEM_USERDATA, userdata);
        }
    }

    /** An upper bound of the bytes {@link #write} appends (for splitting element lists into messages). */
    int encodedSizeBound() {
        int size = 4 + 8 + 4 + Netlink.align(key.length) + 4 + Netlink.align(userdata.length);
        if (data instanceof NftData.Verdict v) {
            size += 4 + 4 + 8 + (v.chain() == null ? 0 : 4 + Netlink.align(v.chain().length() * 4 + 1));
        } else if (data instanceof NftData.Value v) {
            size += 4 + 4 + Netlink.align(v.bytes().length);
        }
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NftElement e && Arrays.equals(e.key, key) && e.flags == flags
                && Objects.equals(e.data, data) && Arrays.equals(e.userdata, userdata);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + flags;
    }

    @Override
    public String toString() {
        return "NftElement[" + HexFormat.of().formatHex(key) + (flags != 0 ? " flags " + flags : "")
                + (data != null ? " : " + data : "") + "]";
    }
}
