package io.sluice.nftables.netlink;

import io.sluice.netlink.NetlinkMessageBuilder;
import io.sluice.netlink.nftables.NfTables;
import io.sluice.netlink.nftables.NftBatch;
import io.sluice.netlink.nftables.NftData;
import io.sluice.netlink.nftables.NftElement;
import io.sluice.netlink.nftables.NftExpression;
import io.sluice.netlink.nftables.NftKeys;
import io.sluice.netlink.nftables.NftMessages;
import io.sluice.netlink.nftables.NftSetSpec;
import io.sluice.netlink.nftables.NftUserdata;
import io.sluice.nftables.model.Chain;
import io.sluice.nftables.model.DataType;
import io.sluice.nftables.model.Element;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.NftObject;
import io.sluice.nftables.model.NftSet;
import io.sluice.nftables.model.Operation;
import io.sluice.nftables.model.Rule;
import io.sluice.nftables.model.Table;
import io.sluice.nftables.model.Transaction;
import io.sluice.nftables.model.Value;
import io.sluice.nftables.model.Verb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Compiles a {@link Transaction} (the nftables backend's model) to one nf_tables batch, member for member what nft
 * sends for the transaction's text: tables, chains (base chains with type, hook and priority), rules
 * ({@link StatementCompiler}), sets and verdict maps with the userdata nft writes, elements (runs of consecutive
 * element operations on one set share messages), flushes and deletes. Pure: no socket, no state.
 */
public final class TransactionCompiler {
    private final ToIntFunction<String> ifindex;

    /** @param ifindex resolves interface names of {@code iif} matches (in the namespace the batch goes to) */
    public TransactionCompiler(ToIntFunction<String> ifindex) {
        this.ifindex = ifindex;
    }

    public static int nfproto(NftFamily family) {
        return family == NftFamily.IP ? NfTables.NFPROTO_IPV4 : NfTables.NFPROTO_IPV6;
    }

    /**
     * @throws UnsupportedStatementException when an operation has no netlink encoding here (the caller may use nft)
     */
    public NftBatch compile(Transaction tx) {
        NftFamily family = tx.family();
        int f = nfproto(family);
        String t = tx.table();
        NftBatch batch = new NftBatch();
        Map<String, Integer> setIds = new HashMap<>();
        List<Operation> ops = tx.operations();
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            String what = op.verb().text() + " " + describe(family, t, op.object());
            NftObject object = op.object();
            if (object instanceof Table table) {
                if (op.verb() == Verb.ADD) {
                    batch.add(what, NftMessages.newTable(f, t, 0,
                            table.comment() == null ? null : NftUserdata.comment(table.comment())));
                } else if (op.verb() == Verb.DELETE) {
                    batch.add(what, NftMessages.delTable(f, t));
                } else if (op.verb() == Verb.FLUSH) {
                    // nft "flush table": every rule of every chain goes (NFT_MSG_DELRULE with the table only).
                    batch.add(what, flushTable(f, t));
                } else {
                    throw unsupported(op);
                }
            } else if (object instanceof Chain chain) {
                if (op.verb() == Verb.ADD) {
                    batch.add(what, NftMessages.newChain(f, t, chain.name(), hook(chain.base()),
                            chain.comment() == null ? null : NftUserdata.comment(chain.comment())));
                } else if (op.verb() == Verb.FLUSH) {
                    batch.add(what, NftMessages.flushChain(f, t, chain.name()));
                } else if (op.verb() == Verb.DELETE) {
                    batch.add(what, NftMessages.delChain(f, t, chain.name()));
                } else {
                    throw unsupported(op);
                }
            } else if (object instanceof Rule rule) {
                if (op.verb() != Verb.ADD) {
                    throw unsupported(op);
                }
                List<NftExpression> exprs = new StatementCompiler(family, t, batch,
                        name -> setIds.getOrDefault(name, 0), ifindex).compile(rule.statements());
                batch.add(what, NftMessages.newRule(f, t, rule.chain(), exprs,
                        rule.comment() == null ? null : NftUserdata.comment(rule.comment())));
            } else if (object instanceof NftSet set) {
                if (op.verb() == Verb.ADD) {
                    int id = batch.nextSetId();
                    setIds.put(set.name(), id);
                    batch.add(what, NftMessages.newSet(f, t, setSpec(set, id)));
                } else if (op.verb() == Verb.FLUSH) {
                    batch.add(what, NftMessages.flushSet(f, t, set.name()));
                } else if (op.verb() == Verb.DELETE) {
                    batch.add(what, NftMessages.delSet(f, t, set.name()));
                } else {
                    throw unsupported(op);
                }
            } else if (object instanceof Element first) {
                if (op.verb() != Verb.ADD && op.verb() != Verb.DELETE) {
                    throw unsupported(op);
                }
                // A run of element operations with the same verb on the same set becomes one element list.
                List<NftElement> run = new ArrayList<>();
                int j = i;
                while (j < ops.size() && ops.get(j).verb() == op.verb()
                        && ops.get(j).object() instanceof Element e && e.set().equals(first.set())) {
                    run.add(element(e, op.verb() == Verb.DELETE));
                    j++;
                }
                String runWhat = op.verb().text() + " element " + family.keyword() + " " + t + " " + first.set()
                        + (run.size() > 1 ? " (" + run.size() + " elements from " + first.keyText() + ")"
                        : " " + first.body());
                batch.addAll(runWhat, op.verb() == Verb.ADD
                        ? NftMessages.newElements(f, t, first.set(), setIds.getOrDefault(first.set(), 0), run)
                        : NftMessages.delElements(f, t, first.set(), run));
                i = j - 1;
            }
        }
        return batch;
    }

    private static NetlinkMessageBuilder flushTable(int family, String table) {
        return NetlinkMessageBuilder.withoutAck(NftMessages.type(NfTables.NFT_MSG_DELRULE), 0)
                .header(new byte[] {(byte) family, 0, 0, 0})
                .string(NfTables.NFTA_RULE_TABLE, table);
    }

    private static UnsupportedStatementException unsupported(Operation op) {
        return new UnsupportedStatementException(op.verb().text() + " of " + op.object().getClass().getSimpleName()
                + " has no netlink encoding here");
    }

    static String describe(NftFamily family, String table, NftObject o) {
        String where = family.keyword() + " " + table;
        if (o instanceof Chain c) {
            return "chain " + where + " " + c.name();
        } else if (o instanceof Rule r) {
            return "rule " + where + " " + r.chain() + " " + r.text(family);
        } else if (o instanceof NftSet s) {
            return s.keyword() + " " + where + " " + s.name();
        } else if (o instanceof Element e) {
            return "element " + where + " " + e.set() + " " + e.body();
        }
        return "table " + where;
    }

    static NftMessages.Hook hook(Chain.Base base) {
        if (base == null) {
            return null;
        }
        int hooknum = switch (base.hook()) {
            case PREROUTING -> NfTables.NF_INET_PRE_ROUTING;
            case INPUT -> NfTables.NF_INET_LOCAL_IN;
            case FORWARD -> NfTables.NF_INET_FORWARD;
            case OUTPUT -> NfTables.NF_INET_LOCAL_OUT;
            case POSTROUTING -> NfTables.NF_INET_POST_ROUTING;
        };
        return new NftMessages.Hook(base.type() == Chain.Type.NAT ? "nat" : "filter", hooknum, base.priority());
    }

    static int typeId(DataType t) {
        return switch (t) {
            case IPV4_ADDR -> NfTables.TYPE_IPADDR;
            case IPV6_ADDR -> NfTables.TYPE_IP6ADDR;
            case INET_PROTO -> NfTables.TYPE_INET_PROTOCOL;
            case INET_SERVICE -> NfTables.TYPE_INET_SERVICE;
            case INTEGER -> NfTables.TYPE_INTEGER;
            case VERDICT -> NfTables.TYPE_VERDICT;
        };
    }

    static int typeLen(DataType t) {
        return switch (t) {
            case IPV4_ADDR, INTEGER -> 4;
            case IPV6_ADDR -> 16;
            case INET_PROTO -> 1;
            case INET_SERVICE -> 2;
            case VERDICT -> 0;
        };
    }

    /** NEWSET as nft 1.0.6 sends it for the declaration (src/mnl.c mnl_nft_set_add), userdata included. */
    static NftSetSpec setSpec(NftSet s, int id) {
        List<DataType> key = s.keyType();
        boolean concat = key.size() > 1;
        int keyType = 0;
        int keyLen = 0;
        for (DataType d : key) {
            keyType = keyType << NfTables.TYPE_BITS | typeId(d);
            keyLen += concat ? (typeLen(d) + 3) & ~3 : typeLen(d);
        }
        int flags = 0;
        for (NftSet.Flag fl : s.flags()) {
            flags |= switch (fl) {
                case CONSTANT -> NfTables.NFT_SET_CONSTANT;
                case DYNAMIC -> NfTables.NFT_SET_EVAL;
                case INTERVAL -> NfTables.NFT_SET_INTERVAL;
                case TIMEOUT -> NfTables.NFT_SET_TIMEOUT;
            };
        }
        int dataType = 0;
        int dataLen = 0;
        if (s.isMap()) {
            flags |= NfTables.NFT_SET_MAP;
            dataType = s.dataType() == DataType.VERDICT ? NfTables.NFT_DATA_VERDICT : typeId(s.dataType());
            dataLen = typeLen(s.dataType());
        }
        NftUserdata ud = new NftUserdata();
        int keyOrder = concat ? NftUserdata.BYTEORDER_INVALID
                : key.get(0) == DataType.INTEGER ? NftUserdata.BYTEORDER_HOST : NftUserdata.BYTEORDER_BIG_ENDIAN;
        ud.u32(NftUserdata.SET_KEYBYTEORDER, keyOrder);
        if (s.isMap()) {
            ud.u32(NftUserdata.SET_DATABYTEORDER, NftUserdata.BYTEORDER_INVALID);
        }
        if (concat) {
            ud.typeof(NftUserdata.SET_KEY_TYPEOF, NftUserdata.EXPR_CONCAT, d -> { });
        }
        if (s.isMap()) {
            ud.u32(NftUserdata.SET_DATA_INTERVAL, 0);
        }
        if (s.comment() != null) {
            ud.string(NftUserdata.SET_COMMENT, s.comment());
        }
        long timeoutMs = s.timeout() == null ? 0 : s.timeout().toMillis();
        return new NftSetSpec(s.name(), flags, keyType, keyLen, dataType, dataLen, id, timeoutMs, 0, ud.toBytes());
    }

    /** The element's key packed like nft (concatenation fields padded to 4), its verdict and comment. */
    static NftElement element(Element e, boolean keyOnly) {
        List<Value> key = e.key();
        byte[][] fields = new byte[key.size()][];
        for (int i = 0; i < key.size(); i++) {
            Value v = key.get(i);
            if (v instanceof Value.Addr a) {
                fields[i] = NftKeys.address(a.ip());
            } else if (v instanceof Value.Proto p) {
                fields[i] = NftKeys.protocol(p.protocol().ianaNumber());
            } else if (v instanceof Value.Port p) {
                fields[i] = NftKeys.port(p.port());
            } else if (v instanceof Value.Int n) {
                fields[i] = NftKeys.hostU32(n.value());
            } else {
                throw new UnsupportedStatementException("element key " + v.text());
            }
        }
        byte[] packed = key.size() == 1 ? fields[0] : NftKeys.concat(fields);
        if (keyOnly) {
            return NftElement.of(packed);
        }
        NftData data = e.value() == null ? null : StatementCompiler.verdict(e.value());
        return new NftElement(packed, 0, data, e.comment() == null ? null : NftUserdata.comment(e.comment()));
    }
}
