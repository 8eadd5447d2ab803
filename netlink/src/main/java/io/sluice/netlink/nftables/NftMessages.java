package io.sluice.netlink.nftables;

import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkMessageBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pure encoding of nf_tables requests: {@code nlmsghdr} (type {@code NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_*}),
 * {@code nfgenmsg {family, NFNETLINK_V0, res_id 0}} and attributes in the order libnftnl writes them, so the bytes
 * match what {@code nft -f} sends for the same objects (the golden tests compare with {@code nft --debug=mnl}).
 *
 * <p>Batch members carry NLM_F_REQUEST plus the verb's flags and no NLM_F_ACK, as nft sends them: the kernel answers
 * failing members anyway. Flags follow nft (src/mnl.c): {@code add} = NLM_F_CREATE, {@code add rule} =
 * NLM_F_CREATE|NLM_F_APPEND, {@code delete}/{@code flush} = none. Dumps and GETGEN ask for ACKs like every other
 * request of {@link io.sluice.netlink.NetlinkTransport}.
 */
public final class NftMessages {
    /** Element lists are nested attributes whose length is a u16: keep each message's list well below 64 KiB. */
    static final int ELEMENTS_PER_MESSAGE_BYTES = 60_000;

    private NftMessages() {
    }

    /** A base chain's hook: {@code type filter hook input priority 0}. */
    public record Hook(String type, int hooknum, int priority) {
        public Hook {
            Objects.requireNonNull(type, "type");
        }
    }

    public static int type(int msg) {
        return NfTables.NFNL_SUBSYS_NFTABLES << 8 | msg;
    }

    static byte[] nfgenmsg(int family, int resId) {
        return new byte[] {(byte) family, NfTables.NFNETLINK_V0, (byte) (resId >>> 8), (byte) resId};
    }

    private static NetlinkMessageBuilder member(int msg, int flags, int family) {
        return NetlinkMessageBuilder.withoutAck(type(msg), flags).header(nfgenmsg(family, 0));
    }

    /** NFNL_MSG_BATCH_BEGIN for the nf_tables subsystem, with NFNL_BATCH_GENID when {@code genId} is not null. */
    public static NetlinkMessageBuilder batchBegin(Integer genId) {
        NetlinkMessageBuilder m = NetlinkMessageBuilder.withoutAck(NfTables.NFNL_MSG_BATCH_BEGIN, 0)
                .header(nfgenmsg(NfTables.NFPROTO_UNSPEC, NfTables.NFNL_SUBSYS_NFTABLES));
        if (genId != null) {
            m.u32be(NfTables.NFNL_BATCH_GENID, genId);
        }
        return m;
    }

    public static NetlinkMessageBuilder batchEnd() {
        return NetlinkMessageBuilder.withoutAck(NfTables.NFNL_MSG_BATCH_END, 0)
                .header(nfgenmsg(NfTables.NFPROTO_UNSPEC, NfTables.NFNL_SUBSYS_NFTABLES));
    }

    /** {@code add table}: NAME, FLAGS, USERDATA (nftnl_table_nlmsg_build_payload). */
    public static NetlinkMessageBuilder newTable(int family, String name, int flags, byte[] userdata) {
        NetlinkMessageBuilder m = member(NfTables.NFT_MSG_NEWTABLE, Netlink.NLM_F_CREATE, family)
                .string(NfTables.NFTA_TABLE_NAME, name)
                .u32be(NfTables.NFTA_TABLE_FLAGS, flags);
        if (userdata != null && userdata.length > 0) {
            m.bytes(NfTables.NFTA_TABLE_USERDATA, userdata);
        }
        return m;
    }

    public static NetlinkMessageBuilder delTable(int family, String name) {
        return member(NfTables.NFT_MSG_DELTABLE, 0, family).string(NfTables.NFTA_TABLE_NAME, name);
    }

    /** {@code add chain}: TABLE, NAME, [TYPE, HOOK{HOOKNUM, PRIORITY}] for base chains, [USERDATA]. */
    public static NetlinkMessageBuilder newChain(int family, String table, String name, Hook hook, byte[] userdata) {
        NetlinkMessageBuilder m = member(NfTables.NFT_MSG_NEWCHAIN, Netlink.NLM_F_CREATE, family)
                .string(NfTables.NFTA_CHAIN_TABLE, table)
                .string(NfTables.NFTA_CHAIN_NAME, name);
        if (hook != null) {
            m.string(NfTables.NFTA_CHAIN_TYPE, hook.type());
            m.nestedFlagged(NfTables.NFTA_CHAIN_HOOK, h -> h.u32be(NfTables.NFTA_HOOK_HOOKNUM, hook.hooknum())
                    .u32be(NfTables.NFTA_HOOK_PRIORITY, hook.priority()));
        }
        if (userdata != null && userdata.length > 0) {
            m.bytes(NfTables.NFTA_CHAIN_USERDATA, userdata);
        }
        return m;
    }

    /** {@code delete chain} (the chain must be empty and unreferenced, else EBUSY). */
    public static NetlinkMessageBuilder delChain(int family, String table, String name) {
        return member(NfTables.NFT_MSG_DELCHAIN, 0, family)
                .string(NfTables.NFTA_CHAIN_TABLE, table)
                .string(NfTables.NFTA_CHAIN_NAME, name);
    }

    /** {@code flush chain}: NFT_MSG_DELRULE with table and chain only. */
    public static NetlinkMessageBuilder flushChain(int family, String table, String chain) {
        return member(NfTables.NFT_MSG_DELRULE, 0, family)
                .string(NfTables.NFTA_RULE_TABLE, table)
                .string(NfTables.NFTA_RULE_CHAIN, chain);
    }

    /** {@code add rule} appended at the end of {@code chain}: TABLE, CHAIN, EXPRESSIONS, [USERDATA]. */
    public static NetlinkMessageBuilder newRule(int family, String table, String chain, List<NftExpression> exprs,
                                                byte[] userdata) {
        NetlinkMessageBuilder m = member(NfTables.NFT_MSG_NEWRULE, Netlink.NLM_F_CREATE | Netlink.NLM_F_APPEND, family)
                .string(NfTables.NFTA_RULE_TABLE, table)
                .string(NfTables.NFTA_RULE_CHAIN, chain);
        m.nestedFlagged(NfTables.NFTA_RULE_EXPRESSIONS, l -> {
            for (NftExpression e : exprs) {
                e.write(l);
            }
        });
        if (userdata != null && userdata.length > 0) {
            m.bytes(NfTables.NFTA_RULE_USERDATA, userdata);
        }
        return m;
    }

    /** {@code delete rule ... handle H}. */
    public static NetlinkMessageBuilder delRule(int family, String table, String chain, long handle) {
        return member(NfTables.NFT_MSG_DELRULE, 0, family)
                .string(NfTables.NFTA_RULE_TABLE, table)
                .string(NfTables.NFTA_RULE_CHAIN, chain)
                .u64be(NfTables.NFTA_RULE_HANDLE, handle);
    }

    /**
     * {@code add set}/{@code add map}: TABLE, NAME, FLAGS, KEY_TYPE, KEY_LEN, [DATA_TYPE, DATA_LEN], ID, [TIMEOUT],
     * [DESC{SIZE}], [USERDATA] (nftnl_set_nlmsg_build_payload).
     */
    public static NetlinkMessageBuilder newSet(int family, String table, NftSetSpec s) {
        NetlinkMessageBuilder m = member(NfTables.NFT_MSG_NEWSET, Netlink.NLM_F_CREATE, family)
                .string(NfTables.NFTA_SET_TABLE, table)
                .string(NfTables.NFTA_SET_NAME, s.name())
                .u32be(NfTables.NFTA_SET_FLAGS, s.flags())
                .u32be(NfTables.NFTA_SET_KEY_TYPE, s.keyType())
                .u32be(NfTables.NFTA_SET_KEY_LEN, s.keyLen());
        if (s.isMap()) {
            m.u32be(NfTables.NFTA_SET_DATA_TYPE, s.dataType()).u32be(NfTables.NFTA_SET_DATA_LEN, s.dataLen());
        }
        if (s.id() != 0) {
            m.u32be(NfTables.NFTA_SET_ID, s.id());
        }
        if (s.timeoutMs() != 0) {
            m.u64be(NfTables.NFTA_SET_TIMEOUT, s.timeoutMs());
        }
        if (s.descSize() != 0) {
            m.nestedFlagged(NfTables.NFTA_SET_DESC, d -> d.u32be(NfTables.NFTA_SET_DESC_SIZE, s.descSize()));
        }
        byte[] ud = s.userdata();
        if (ud.length > 0) {
            m.bytes(NfTables.NFTA_SET_USERDATA, ud);
        }
        return m;
    }

    public static NetlinkMessageBuilder delSet(int family, String table, String name) {
        return member(NfTables.NFT_MSG_DELSET, 0, family)
                .string(NfTables.NFTA_SET_TABLE, table)
                .string(NfTables.NFTA_SET_NAME, name);
    }

    /**
     * {@code add element}: TABLE, SET, [SET_ID], ELEMENTS{1: elem, 2: elem, ...}, split into as many messages as the
     * 64 KiB limit of a nested attribute needs. {@code setId} 0 names the set by name only.
     */
    public static List<NetlinkMessageBuilder> newElements(int family, String table, String set, int setId,
                                                          List<NftElement> elements) {
        return elements(NfTables.NFT_MSG_NEWSETELEM, Netlink.NLM_F_CREATE, family, table, set, setId, elements);
    }

    /** {@code delete element}, split like {@link #newElements}. */
    public static List<NetlinkMessageBuilder> delElements(int family, String table, String set,
                                                          List<NftElement> elements) {
        return elements(NfTables.NFT_MSG_DELSETELEM, 0, family, table, set, 0, elements);
    }

    /** {@code flush set}: NFT_MSG_DELSETELEM without an element list. */
    public static NetlinkMessageBuilder flushSet(int family, String table, String set) {
        return member(NfTables.NFT_MSG_DELSETELEM, 0, family)
                .string(NfTables.NFTA_SET_ELEM_LIST_TABLE, table)
                .string(NfTables.NFTA_SET_ELEM_LIST_SET, set);
    }

    private static List<NetlinkMessageBuilder> elements(int msg, int flags, int family, String table, String set,
                                                        int setId, List<NftElement> elements) {
        if (elements.isEmpty()) {
            throw new IllegalArgumentException("no elements for " + set);
        }
        List<NetlinkMessageBuilder> out = new ArrayList<>();
        int from = 0;
        while (from < elements.size()) {
            int to = from;
            int bytes = 0;
            while (to < elements.size() && (to == from
                    || bytes + elements.get(to).encodedSizeBound() <= ELEMENTS_PER_MESSAGE_BYTES)) {
                bytes += elements.get(to).encodedSizeBound();
                to++;
            }
            List<NftElement> chunk = elements.subList(from, to);
            NetlinkMessageBuilder m = member(msg, flags, family)
                    .string(NfTables.NFTA_SET_ELEM_LIST_TABLE, table)
                    .string(NfTables.NFTA_SET_ELEM_LIST_SET, set);
            if (setId != 0) {
                m.u32be(NfTables.NFTA_SET_ELEM_LIST_SET_ID, setId);
            }
            m.nestedFlagged(NfTables.NFTA_SET_ELEM_LIST_ELEMENTS, l -> {
                int i = 0;
                for (NftElement e : chunk) {
                    // libnftnl numbers the list entries 1, 2, ... (nftnl_set_elem_build(nlh, elem, ++i)).
                    l.nestedFlagged(++i, e::write);
                }
            });
            out.add(m);
            from = to;
        }
        return out;
    }

    /** {@code add counter}: NEWOBJ of type counter starting at zero. */
    public static NetlinkMessageBuilder newCounter(int family, String table, String name) {
        return member(NfTables.NFT_MSG_NEWOBJ, Netlink.NLM_F_CREATE, family)
                .string(NfTables.NFTA_OBJ_TABLE, table)
                .string(NfTables.NFTA_OBJ_NAME, name)
                .u32be(NfTables.NFTA_OBJ_TYPE, NfTables.NFT_OBJECT_COUNTER)
                .nestedFlagged(NfTables.NFTA_OBJ_DATA, d -> d.u64be(1, 0).u64be(2, 0));
    }

    public static NetlinkMessageBuilder delObject(int family, String table, String name, int objectType) {
        return member(NfTables.NFT_MSG_DELOBJ, 0, family)
                .string(NfTables.NFTA_OBJ_TABLE, table)
                .string(NfTables.NFTA_OBJ_NAME, name)
                .u32be(NfTables.NFTA_OBJ_TYPE, objectType);
    }

    /** NFT_MSG_GETGEN: answered with NFT_MSG_NEWGEN carrying NFTA_GEN_ID. */
    public static NetlinkMessageBuilder getGen() {
        return new NetlinkMessageBuilder(type(NfTables.NFT_MSG_GETGEN), 0)
                .header(nfgenmsg(NfTables.NFPROTO_UNSPEC, 0));
    }

    /** Dump of every table of {@code family}. */
    public static NetlinkMessageBuilder getTables(int family) {
        return dump(NfTables.NFT_MSG_GETTABLE, family);
    }

    /** Dump of the chains of {@code table}. */
    public static NetlinkMessageBuilder getChains(int family, String table) {
        return dump(NfTables.NFT_MSG_GETCHAIN, family).string(NfTables.NFTA_CHAIN_TABLE, table);
    }

    /** Dump of the sets and maps of {@code table} (anonymous ones included). */
    public static NetlinkMessageBuilder getSets(int family, String table) {
        return dump(NfTables.NFT_MSG_GETSET, family).string(NfTables.NFTA_SET_TABLE, table);
    }

    /** Dump of the elements of one set. */
    public static NetlinkMessageBuilder getElements(int family, String table, String set) {
        return dump(NfTables.NFT_MSG_GETSETELEM, family)
                .string(NfTables.NFTA_SET_ELEM_LIST_TABLE, table)
                .string(NfTables.NFTA_SET_ELEM_LIST_SET, set);
    }

    /** Dump of the rules of {@code table}. */
    public static NetlinkMessageBuilder getRules(int family, String table) {
        return dump(NfTables.NFT_MSG_GETRULE, family).string(NfTables.NFTA_RULE_TABLE, table);
    }

    /** Dump of the stateful objects (counters) of {@code table}. */
    public static NetlinkMessageBuilder getObjects(int family, String table) {
        return dump(NfTables.NFT_MSG_GETOBJ, family).string(NfTables.NFTA_OBJ_TABLE, table);
    }

    private static NetlinkMessageBuilder dump(int msg, int family) {
        return new NetlinkMessageBuilder(type(msg), Netlink.NLM_F_DUMP).header(nfgenmsg(family, 0));
    }
}
