package io.sluice.netlink.nftables;

import java.util.Arrays;
import java.util.Objects;

/**
 * A set or map as NFT_MSG_NEWSET describes it.
 *
 * @param name      the set name; anonymous sets use a template such as {@code __set%d} that the kernel numbers
 * @param flags     NFT_SET_* flags ({@link NfTables#NFT_SET_MAP} for maps and verdict maps)
 * @param keyType   nft datatype id of the key (concatenations: 6 bits per field, {@link NftKeys#concatType})
 * @param keyLen    key length in bytes (each concatenated field padded to 4)
 * @param dataType  for maps: {@link NfTables#NFT_DATA_VERDICT} or the value's datatype id
 * @param dataLen   for maps: the value length (0 for verdicts)
 * @param id        NFTA_SET_ID, unique within the batch, so rules and elements of the same batch can name the set
 * @param timeoutMs default element timeout in ms (0: none)
 * @param descSize  NFTA_SET_DESC_SIZE (0: not sent); nft sends the element count of constant sets
 * @param userdata  libnftnl userdata (byte orders, typeof, comment), see {@link NftUserdata}; empty for none
 */
public record NftSetSpec(String name, int flags, int keyType, int keyLen, int dataType, int dataLen, int id,
                         long timeoutMs, int descSize, byte[] userdata) {
    public NftSetSpec {
        Objects.requireNonNull(name, "name");
        userdata = userdata == null ? new byte[0] : userdata.clone();
        if (keyLen <= 0 || keyLen > 64) {
            throw new IllegalArgumentException("set key length " + keyLen);
        }
    }

    public boolean isMap() {
        return (flags & NfTables.NFT_SET_MAP) != 0;
    }

    @Override
    public byte[] userdata() {
        return userdata.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NftSetSpec s && s.name.equals(name) && s.flags == flags && s.keyType == keyType
                && s.keyLen == keyLen && s.dataType == dataType && s.dataLen == dataLen && s.id == id
                && s.timeoutMs == timeoutMs && s.descSize == descSize && Arrays.equals(s.userdata, userdata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, flags, keyType, keyLen, dataType, dataLen, id, timeoutMs, descSize)
                + 31 * Arrays.hashCode(userdata);
    }
}
