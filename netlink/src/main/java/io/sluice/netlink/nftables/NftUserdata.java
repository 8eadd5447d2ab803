package io.sluice.netlink.nftables;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * libnftnl userdata: a run of TLVs ({@code struct nftnl_udata {u8 type; u8 len; u8 value[]}}) that the kernel stores
 * opaquely in NFTA_*_USERDATA and that nft reads back to print comments, byte orders and typeof expressions
 * (libnftnl include/libnftnl/udata.h; nft src/mnl.c mnl_nft_set_add). Integers are host order here, unlike nf_tables
 * attributes. Not thread-safe.
 */
public final class NftUserdata {
    /** NFTNL_UDATA_{TABLE,CHAIN,RULE,SET_ELEM,OBJ}_COMMENT. */
    public static final int COMMENT = 0;
    /** enum nftnl_udata_set_types. */
    public static final int SET_KEYBYTEORDER = 0;
    public static final int SET_DATABYTEORDER = 1;
    public static final int SET_MERGE_ELEMENTS = 2;
    public static final int SET_KEY_TYPEOF = 3;
    public static final int SET_DATA_TYPEOF = 4;
    public static final int SET_DATA_INTERVAL = 6;
    public static final int SET_COMMENT = 7;
    /** nft's enum byteorder: what the set key/data bytes are in. */
    public static final int BYTEORDER_INVALID = 0;
    public static final int BYTEORDER_HOST = 1;
    public static final int BYTEORDER_BIG_ENDIAN = 2;
    /** Comments longer than this are refused by nft (NFT_USERDATA_MAXLEN-derived limit of the comment keyword). */
    public static final int COMMENT_MAX = 128;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public NftUserdata u32(int type, int value) {
        return bytes(type, new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
    }

    /** A NUL-terminated string TLV, as nftnl_udata_put_strz writes comments. */
    public NftUserdata string(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[s.length + 1];
        System.arraycopy(s, 0, z, 0, s.length);
        return bytes(type, z);
    }

    /** A nested TLV run (typeof descriptions). */
    public NftUserdata nested(int type, Consumer<NftUserdata> body) {
        NftUserdata inner = new NftUserdata();
        body.accept(inner);
        return bytes(type, inner.toBytes());
    }

    public NftUserdata bytes(int type, byte[] value) {
        if (value.length > 255) {
            throw new IllegalArgumentException("userdata value of " + value.length + " bytes (max 255)");
        }
        out.write(type);
        out.write(value.length);
        out.writeBytes(value);
        return this;
    }

    /** NFTNL_UDATA_SET_TYPEOF_EXPR / _DATA inside SET_KEY_TYPEOF and SET_DATA_TYPEOF. */
    public static final int TYPEOF_EXPR = 0;
    public static final int TYPEOF_DATA = 1;
    /** nft's enum expr_types values that appear in typeof userdata. */
    public static final int EXPR_VERDICT = 1;
    public static final int EXPR_PAYLOAD = 7;
    public static final int EXPR_CONCAT = 13;

    /**
     * A typeof TLV ({@link #SET_KEY_TYPEOF} or {@link #SET_DATA_TYPEOF}) naming nft expression type {@code exprType}
     * with the nested data {@code data} writes (nothing for concatenations and verdicts, the payload description for
     * payload keys), as nft's {@code *_expr_build_udata} (src/expression.c, src/payload.c) writes it.
     */
    public NftUserdata typeof(int udataType, int exprType, Consumer<NftUserdata> data) {
        return nested(udataType, t -> t.u32(TYPEOF_EXPR, exprType).nested(TYPEOF_DATA, data));
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }

    /** The userdata of a table, chain, rule or element that carries only a comment. */
    public static byte[] comment(String comment) {
        checkComment(comment);
        return new NftUserdata().string(COMMENT, comment).toBytes();
    }

    static String checkComment(String comment) {
        if (comment.getBytes(StandardCharsets.UTF_8).length > COMMENT_MAX) {
            throw new IllegalArgumentException("comment longer than " + COMMENT_MAX + " bytes");
        }
        return comment;
    }
}
