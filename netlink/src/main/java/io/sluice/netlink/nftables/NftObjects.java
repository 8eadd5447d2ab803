package io.sluice.netlink.nftables;

import io.sluice.netlink.Attribute;
import io.sluice.netlink.Attributes;
import io.sluice.netlink.ByteReader;
import io.sluice.netlink.MalformedNetlinkMessageException;
import io.sluice.netlink.NetlinkMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What nf_tables dumps describe (NFT_MSG_NEW* messages answering GET* with NLM_F_DUMP), parsed with bounds checks.
 * Unknown attributes are ignored (newer kernels add some).
 */
public final class NftObjects {
    private NftObjects() {
    }

    /** A table. */
    public record Table(int family, String name, int flags, long handle, int use) {
    }

    /** A chain; {@code hook} is empty for regular chains. */
    public record Chain(int family, String table, String name, long handle, Optional<NftMessages.Hook> hook, int use) {
    }

    /** A set or map (anonymous ones have names like {@code __set0}). */
    public record Set(int family, String table, String name, long handle, int flags, int keyType, int keyLen,
                      int dataType, int dataLen, long timeoutMs) {
        public boolean isAnonymous() {
            return (flags & NfTables.NFT_SET_ANONYMOUS) != 0;
        }
    }

    /** A stateful object (counter). */
    public record StatefulObject(int family, String table, String name, int type) {
    }

    /** A rule: where it is and its handle (the expressions stay undecoded). */
    public record Rule(int family, String table, String chain, long handle) {
    }

    static int family(NetlinkMessage m) {
        return ByteReader.u8(m.payload(), 0);
    }

    static Attributes attributes(NetlinkMessage m) {
        return m.attributes(NfTables.NFGENMSG_LEN);
    }

    private static String string(Attributes a, int type) {
        return a.find(type).map(Attribute::string).orElse("");
    }

    private static int u32be(Attributes a, int type) {
        return a.find(type).map(Attribute::u32be).orElse(0);
    }

    private static long u64be(Attributes a, int type) {
        return a.find(type).map(Attribute::u64be).orElse(0L);
    }

    static Table table(NetlinkMessage m) {
        Attributes a = attributes(m);
        return new Table(family(m), a.require(NfTables.NFTA_TABLE_NAME, "NFTA_TABLE_NAME").string(),
                u32be(a, NfTables.NFTA_TABLE_FLAGS), u64be(a, NfTables.NFTA_TABLE_HANDLE),
                u32be(a, NfTables.NFTA_TABLE_USE));
    }

    static Chain chain(NetlinkMessage m) {
        Attributes a = attributes(m);
        Optional<NftMessages.Hook> hook = a.find(NfTables.NFTA_CHAIN_HOOK).map(h -> {
            Attributes n = h.nested();
            return new NftMessages.Hook(string(a, NfTables.NFTA_CHAIN_TYPE), u32be(n, NfTables.NFTA_HOOK_HOOKNUM),
                    u32be(n, NfTables.NFTA_HOOK_PRIORITY));
        });
        return new Chain(family(m), string(a, NfTables.NFTA_CHAIN_TABLE),
                a.require(NfTables.NFTA_CHAIN_NAME, "NFTA_CHAIN_NAME").string(),
                u64be(a, NfTables.NFTA_CHAIN_HANDLE), hook, u32be(a, NfTables.NFTA_CHAIN_USE));
    }

    static Set set(NetlinkMessage m) {
        Attributes a = attributes(m);
        return new Set(family(m), string(a, NfTables.NFTA_SET_TABLE),
                a.require(NfTables.NFTA_SET_NAME, "NFTA_SET_NAME").string(), u64be(a, NfTables.NFTA_SET_HANDLE),
                u32be(a, NfTables.NFTA_SET_FLAGS), u32be(a, NfTables.NFTA_SET_KEY_TYPE),
                u32be(a, NfTables.NFTA_SET_KEY_LEN), u32be(a, NfTables.NFTA_SET_DATA_TYPE),
                u32be(a, NfTables.NFTA_SET_DATA_LEN), u64be(a, NfTables.NFTA_SET_TIMEOUT));
    }

    static StatefulObject object(NetlinkMessage m) {
        Attributes a = attributes(m);
        return new StatefulObject(family(m), string(a, NfTables.NFTA_OBJ_TABLE),
                a.require(NfTables.NFTA_OBJ_NAME, "NFTA_OBJ_NAME").string(), u32be(a, NfTables.NFTA_OBJ_TYPE));
    }

    static Rule rule(NetlinkMessage m) {
        Attributes a = attributes(m);
        return new Rule(family(m), string(a, NfTables.NFTA_RULE_TABLE), string(a, NfTables.NFTA_RULE_CHAIN),
                a.require(NfTables.NFTA_RULE_HANDLE, "NFTA_RULE_HANDLE").u64be());
    }

    /** The elements of one NFT_MSG_NEWSETELEM dump message. */
    static List<NftElement> elements(NetlinkMessage m) {
        Attributes a = attributes(m);
        List<NftElement> out = new ArrayList<>();
        Optional<Attribute> list = a.find(NfTables.NFTA_SET_ELEM_LIST_ELEMENTS);
        if (list.isEmpty()) {
            return out;
        }
        for (Attribute e : list.get().nested().all()) {
            Attributes ea = e.nested();
            byte[] key = ea.require(NfTables.NFTA_SET_ELEM_KEY, "NFTA_SET_ELEM_KEY").nested()
                    .require(NfTables.NFTA_DATA_VALUE, "NFTA_DATA_VALUE").bytes();
            NftData data = ea.find(NfTables.NFTA_SET_ELEM_DATA).map(d -> data(d.nested())).orElse(null);
            byte[] userdata = ea.find(NfTables.NFTA_SET_ELEM_USERDATA).map(Attribute::bytes).orElse(null);
            out.add(new NftElement(key, u32be(ea, NfTables.NFTA_SET_ELEM_FLAGS), data, userdata));
        }
        return out;
    }

    static NftData data(Attributes d) {
        Optional<Attribute> verdict = d.find(NfTables.NFTA_DATA_VERDICT);
        if (verdict.isPresent()) {
            Attributes v = verdict.get().nested();
            int code = v.require(NfTables.NFTA_VERDICT_CODE, "NFTA_VERDICT_CODE").u32be();
            String chain = v.find(NfTables.NFTA_VERDICT_CHAIN).map(Attribute::string).orElse(null);
            try {
                return new NftData.Verdict(code, chain);
            } catch (IllegalArgumentException e) {
                throw new MalformedNetlinkMessageException("verdict " + code + " with chain " + chain);
            }
        }
        return new NftData.Value(d.require(NfTables.NFTA_DATA_VALUE, "NFTA_DATA_VALUE").bytes());
    }
}
