package io.sluice.netlink.nftables;

/**
 * nf_tables and nfnetlink constants: kernel uapi {@code include/uapi/linux/netfilter/nf_tables.h},
 * {@code linux/netfilter/nfnetlink.h}, {@code linux/netfilter.h}. Attribute integers of nf_tables are big-endian
 * ({@code nla_get_be32}); only userdata TLVs and the nfgenmsg family byte are not.
 */
public final class NfTables {
    private NfTables() {
    }

    /** NFNL_SUBSYS_NFTABLES: the high byte of every nf_tables message type. */
    public static final int NFNL_SUBSYS_NFTABLES = 10;
    /** NFNL_MSG_BATCH_BEGIN/END (= NLMSG_MIN_TYPE and +1), framing one atomic transaction. */
    public static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    public static final int NFNL_MSG_BATCH_END = 0x11;
    /** NFNL_BATCH_GENID: u32 BE in BATCH_BEGIN; the kernel refuses the batch with ERESTART when it is not current. */
    public static final int NFNL_BATCH_GENID = 1;
    public static final int NFNETLINK_V0 = 0;
    /** sizeof(struct nfgenmsg): u8 nfgen_family, u8 version, __be16 res_id. */
    public static final int NFGENMSG_LEN = 4;

    /** enum nf_tables_msg_types. */
    public static final int NFT_MSG_NEWTABLE = 0;
    public static final int NFT_MSG_GETTABLE = 1;
    public static final int NFT_MSG_DELTABLE = 2;
    public static final int NFT_MSG_NEWCHAIN = 3;
    public static final int NFT_MSG_GETCHAIN = 4;
    public static final int NFT_MSG_DELCHAIN = 5;
    public static final int NFT_MSG_NEWRULE = 6;
    public static final int NFT_MSG_GETRULE = 7;
    public static final int NFT_MSG_DELRULE = 8;
    public static final int NFT_MSG_NEWSET = 9;
    public static final int NFT_MSG_GETSET = 10;
    public static final int NFT_MSG_DELSET = 11;
    public static final int NFT_MSG_NEWSETELEM = 12;
    public static final int NFT_MSG_GETSETELEM = 13;
    public static final int NFT_MSG_DELSETELEM = 14;
    public static final int NFT_MSG_NEWGEN = 15;
    public static final int NFT_MSG_GETGEN = 16;
    public static final int NFT_MSG_NEWOBJ = 18;
    public static final int NFT_MSG_GETOBJ = 19;
    public static final int NFT_MSG_DELOBJ = 20;

    /** Families (nfgen_family): NFPROTO_*. */
    public static final int NFPROTO_UNSPEC = 0;
    public static final int NFPROTO_INET = 1;
    public static final int NFPROTO_IPV4 = 2;
    public static final int NFPROTO_IPV6 = 10;

    public static final int NFTA_LIST_ELEM = 1;

    public static final int NFTA_TABLE_NAME = 1;
    public static final int NFTA_TABLE_FLAGS = 2;
    public static final int NFTA_TABLE_USE = 3;
    public static final int NFTA_TABLE_HANDLE = 4;
    public static final int NFTA_TABLE_USERDATA = 6;

    public static final int NFTA_CHAIN_TABLE = 1;
    public static final int NFTA_CHAIN_HANDLE = 2;
    public static final int NFTA_CHAIN_NAME = 3;
    public static final int NFTA_CHAIN_HOOK = 4;
    public static final int NFTA_CHAIN_POLICY = 5;
    public static final int NFTA_CHAIN_USE = 6;
    public static final int NFTA_CHAIN_TYPE = 7;
    public static final int NFTA_CHAIN_FLAGS = 10;
    public static final int NFTA_CHAIN_USERDATA = 12;
    public static final int NFTA_HOOK_HOOKNUM = 1;
    public static final int NFTA_HOOK_PRIORITY = 2;

    /** enum nf_inet_hooks. */
    public static final int NF_INET_PRE_ROUTING = 0;
    public static final int NF_INET_LOCAL_IN = 1;
    public static final int NF_INET_FORWARD = 2;
    public static final int NF_INET_LOCAL_OUT = 3;
    public static final int NF_INET_POST_ROUTING = 4;

    public static final int NFTA_RULE_TABLE = 1;
    public static final int NFTA_RULE_CHAIN = 2;
    public static final int NFTA_RULE_HANDLE = 3;
    public static final int NFTA_RULE_EXPRESSIONS = 4;
    public static final int NFTA_RULE_POSITION = 6;
    public static final int NFTA_RULE_USERDATA = 7;

    public static final int NFTA_EXPR_NAME = 1;
    public static final int NFTA_EXPR_DATA = 2;

    public static final int NFTA_SET_TABLE = 1;
    public static final int NFTA_SET_NAME = 2;
    public static final int NFTA_SET_FLAGS = 3;
    public static final int NFTA_SET_KEY_TYPE = 4;
    public static final int NFTA_SET_KEY_LEN = 5;
    public static final int NFTA_SET_DATA_TYPE = 6;
    public static final int NFTA_SET_DATA_LEN = 7;
    public static final int NFTA_SET_POLICY = 8;
    public static final int NFTA_SET_DESC = 9;
    public static final int NFTA_SET_ID = 10;
    public static final int NFTA_SET_TIMEOUT = 11;
    public static final int NFTA_SET_USERDATA = 13;
    public static final int NFTA_SET_HANDLE = 16;
    public static final int NFTA_SET_DESC_SIZE = 1;
    public static final int NFTA_SET_DESC_CONCAT = 2;
    public static final int NFTA_SET_FIELD_LEN = 1;

    /** enum nft_set_flags. */
    public static final int NFT_SET_ANONYMOUS = 0x1;
    public static final int NFT_SET_CONSTANT = 0x2;
    public static final int NFT_SET_INTERVAL = 0x4;
    public static final int NFT_SET_MAP = 0x8;
    public static final int NFT_SET_TIMEOUT = 0x10;
    public static final int NFT_SET_EVAL = 0x20;
    public static final int NFT_SET_OBJECT = 0x40;
    public static final int NFT_SET_CONCAT = 0x80;

    public static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    public static final int NFTA_SET_ELEM_LIST_SET = 2;
    public static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    public static final int NFTA_SET_ELEM_LIST_SET_ID = 4;
    public static final int NFTA_SET_ELEM_KEY = 1;
    public static final int NFTA_SET_ELEM_DATA = 2;
    public static final int NFTA_SET_ELEM_FLAGS = 3;
    public static final int NFTA_SET_ELEM_TIMEOUT = 4;
    public static final int NFTA_SET_ELEM_EXPIRATION = 5;
    public static final int NFTA_SET_ELEM_USERDATA = 6;
    public static final int NFTA_SET_ELEM_KEY_END = 10;
    public static final int NFT_SET_ELEM_INTERVAL_END = 0x1;

    public static final int NFTA_DATA_VALUE = 1;
    public static final int NFTA_DATA_VERDICT = 2;
    public static final int NFTA_VERDICT_CODE = 1;
    public static final int NFTA_VERDICT_CHAIN = 2;
    /** NFT_DATA_VERDICT: the data type of verdict maps. */
    public static final int NFT_DATA_VERDICT = 0xffffff00;

    public static final int NFTA_GEN_ID = 1;

    public static final int NFTA_OBJ_TABLE = 1;
    public static final int NFTA_OBJ_NAME = 2;
    public static final int NFTA_OBJ_TYPE = 3;
    public static final int NFTA_OBJ_DATA = 4;
    public static final int NFT_OBJECT_COUNTER = 1;

    /** Verdict codes (NF_DROP, NF_ACCEPT, enum nft_verdicts). */
    public static final int NF_DROP = 0;
    public static final int NF_ACCEPT = 1;
    public static final int NFT_CONTINUE = -1;
    public static final int NFT_BREAK = -2;
    public static final int NFT_JUMP = -3;
    public static final int NFT_GOTO = -4;
    public static final int NFT_RETURN = -5;

    /** Registers: the verdict register, 16-byte NFT_REG_1..4 and 4-byte NFT_REG32_00..15 (8..23) that alias them. */
    public static final int NFT_REG_VERDICT = 0;
    public static final int NFT_REG_1 = 1;
    public static final int NFT_REG_2 = 2;
    public static final int NFT_REG32_00 = 8;

    /** Data types of set keys (nft's datatype ids, src/datatype.h): concatenations pack 6 bits per field. */
    public static final int TYPE_VERDICT = 1;
    public static final int TYPE_INTEGER = 4;
    public static final int TYPE_MARK = 5;
    public static final int TYPE_IPADDR = 7;
    public static final int TYPE_IP6ADDR = 8;
    public static final int TYPE_INET_PROTOCOL = 12;
    public static final int TYPE_INET_SERVICE = 13;
    public static final int TYPE_BITS = 6;
}
