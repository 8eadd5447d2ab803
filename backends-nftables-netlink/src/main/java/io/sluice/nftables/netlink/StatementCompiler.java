package io.sluice.nftables.netlink;

import io.sluice.core.model.Cidr;
import io.sluice.netlink.nftables.NfTables;
import io.sluice.netlink.nftables.NftBatch;
import io.sluice.netlink.nftables.NftData;
import io.sluice.netlink.nftables.NftElement;
import io.sluice.netlink.nftables.NftExpression;
import io.sluice.netlink.nftables.NftExpression.Bitwise;
import io.sluice.netlink.nftables.NftExpression.Cmp;
import io.sluice.netlink.nftables.NftExpression.Immediate;
import io.sluice.netlink.nftables.NftExpression.Lookup;
import io.sluice.netlink.nftables.NftExpression.MetaLoad;
import io.sluice.netlink.nftables.NftExpression.MetaSet;
import io.sluice.netlink.nftables.NftExpression.Payload;
import io.sluice.netlink.nftables.NftKeys;
import io.sluice.netlink.nftables.NftMessages;
import io.sluice.netlink.nftables.NftSetSpec;
import io.sluice.netlink.nftables.NftUserdata;
import io.sluice.nftables.model.Field;
import io.sluice.nftables.model.IpPort;
import io.sluice.nftables.model.Mark;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Statement;
import io.sluice.nftables.model.Value;
import io.sluice.nftables.model.Verdict;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Compiles the typed statements of one rule to nf_tables expressions exactly as nft 1.0.6 does for the same text
 * (src/evaluate.c, src/netlink_linearize.c): the same registers, prefix matches shortened to whole bytes, single-member
 * anonymous sets turned into plain compares, anonymous sets and maps created in the batch right before their rule.
 * Identical expressions mean {@code nft list} prints identical rules.
 *
 * <p>Not thread-safe; one instance per rule.
 */
final class StatementCompiler {
    /** nft's proto_desc ids and payload template indexes that typeof userdata of anonymous address sets names. */
    private static final int PROTO_DESC_IP = 12;
    private static final int PROTO_DESC_IP6 = 13;
    /** RTN_LOCAL: what {@code fib ... type local} compares with. */
    private static final int RTN_LOCAL = 2;

    private final NftFamily family;
    private final int nfproto;
    private final String table;
    private final NftBatch batch;
    private final ToIntFunction<String> setIds;
    private final ToIntFunction<String> ifindex;
    private final List<NftExpression> out = new ArrayList<>();

    /**
     * @param setIds  NFTA_SET_ID of named sets added earlier in the same batch (0 when not added there)
     * @param ifindex the index of an interface by name ({@code iif} matches compile to the index, as nft resolves it)
     */
    StatementCompiler(NftFamily family, String table, NftBatch batch, ToIntFunction<String> setIds,
                      ToIntFunction<String> ifindex) {
        this.family = family;
        this.nfproto = family == NftFamily.IP ? NfTables.NFPROTO_IPV4 : NfTables.NFPROTO_IPV6;
        this.table = table;
        this.batch = batch;
        this.setIds = setIds;
        this.ifindex = ifindex;
    }

    List<NftExpression> compile(List<Statement> statements) {
        for (Statement s : statements) {
            statement(s);
        }
        return out;
    }

    private int addrLen() {
        return family == NftFamily.IP ? 4 : 16;
    }

    /** nft's register for the field at 4-byte offset {@code k} of a concatenation (16-byte regs when aligned). */
    static int register(int k) {
        return k % 4 == 0 ? NfTables.NFT_REG_1 + k / 4 : NfTables.NFT_REG32_00 + k;
    }

    private void statement(Statement s) {
        if (s instanceof Statement.CtMatch m) {
            boolean state = m.condition() == Statement.CtCondition.STATE_NEW;
            out.add(new NftExpression.Ct(state ? NftExpression.CT_STATE : NftExpression.CT_STATUS, 1));
            // ct state new = bit IP_CT_NEW (8) of the state bitmask; ct status dnat = IPS_DST_NAT (0x20).
            out.add(new Bitwise(1, 1, 4, NftKeys.hostU32(state ? 0x8 : 0x20), NftKeys.hostU32(0), false));
            out.add(new Cmp(1, NftExpression.CMP_NEQ, NftKeys.hostU32(0)));
        } else if (s instanceof Statement.Compare c) {
            compare(c.field(), c.negated(), c.value());
        } else if (s instanceof Statement.FibLocal f) {
            int flag = f.address() == Field.SADDR ? NftExpression.FIB_F_SADDR : NftExpression.FIB_F_DADDR;
            out.add(new NftExpression.Fib(flag, NftExpression.FIB_RESULT_ADDRTYPE, 1));
            out.add(new Cmp(1, NftExpression.CMP_EQ, NftKeys.hostU32(RTN_LOCAL)));
        } else if (s instanceof Statement.SetLookup l) {
            loadConcat(l.key());
            out.add(new Lookup(1, -1, l.set(), setIds.applyAsInt(l.set()),
                    l.negated() ? NftExpression.LOOKUP_F_INV : 0));
        } else if (s instanceof Statement.AnonymousSetMatch a) {
            anonymousSet(a);
        } else if (s instanceof Statement.VmapLookup v) {
            loadConcat(v.key());
            out.add(new Lookup(1, 0, v.map(), setIds.applyAsInt(v.map()), 0));
        } else if (s instanceof Statement.MarkIsSet m) {
            out.add(new MetaLoad(NftExpression.META_MARK, 1));
            out.add(new Bitwise(1, 1, 4, NftKeys.hostU32(mark(m.mark())), NftKeys.hostU32(0), true));
            out.add(new Cmp(1, NftExpression.CMP_NEQ, NftKeys.hostU32(0)));
        } else if (s instanceof Statement.MarkSet m) {
            int bits = mark(m.mark());
            out.add(new MetaLoad(NftExpression.META_MARK, 1));
            // mark or M = (mark & ~M) ^ M; mark xor M = (mark & 0xffffffff) ^ M (libnftnl bitwise encoding).
            out.add(new Bitwise(1, 1, 4, NftKeys.hostU32(m.xor() ? 0xffffffff : ~bits), NftKeys.hostU32(bits), true));
            out.add(new MetaSet(NftExpression.META_MARK, 1));
        } else if (s instanceof Statement.Masquerade m) {
            out.add(new NftExpression.Masq(m.fullyRandom() ? NftExpression.NAT_RANGE_PROTO_RANDOM_FULLY : 0));
        } else if (s instanceof Statement.Reject) {
            out.add(new NftExpression.Reject(NftExpression.REJECT_ICMP_UNREACH,
                    family == NftFamily.IP ? NftExpression.ICMP_PORT_UNREACH : NftExpression.ICMPV6_PORT_UNREACH));
        } else if (s instanceof Statement.DnatTo d) {
            out.add(new Immediate(1, new NftData.Value(NftKeys.address(d.target().addr().ip()))));
            out.add(new Immediate(NfTables.NFT_REG_2, new NftData.Value(NftKeys.port(d.target().port().port()))));
            out.add(new NftExpression.Nat(NftExpression.NAT_DNAT, nfproto, 1, NfTables.NFT_REG_2,
                    NftExpression.NAT_RANGE_PROTO_SPECIFIED));
        } else if (s instanceof Statement.DnatNumgenMap d) {
            dnatNumgenMap(d.targets());
        } else if (s instanceof Statement.NumgenVmap n) {
            numgenVmap(n.verdicts());
        } else if (s instanceof Statement.SetUpdate u) {
            load(u.key(), 1);
            out.add(new NftExpression.Dynset(1, NftExpression.DYNSET_OP_UPDATE, u.set(), setIds.applyAsInt(u.set()),
                    0));
        } else if (s instanceof Statement.VerdictStatement v) {
            out.add(Immediate.verdict(verdict(v.verdict())));
        } else {
            throw new UnsupportedStatementException("statement " + s.getClass().getSimpleName());
        }
    }

    static NftData.Verdict verdict(Verdict v) {
        return switch (v.kind()) {
            case ACCEPT -> NftData.Verdict.accept();
            case DROP -> NftData.Verdict.drop();
            case RETURN -> NftData.Verdict.ret();
            case JUMP -> NftData.Verdict.jump(v.chain());
            case GOTO -> NftData.Verdict.goTo(v.chain());
        };
    }

    static int mark(Mark m) {
        return (int) Long.parseLong(m.text().substring(2), 16);
    }

    /** The bytes one field occupies in a register. */
    private int fieldLen(Field f) {
        return switch (f) {
            case SADDR, DADDR -> addrLen();
            case L4PROTO -> 1;
            case DPORT -> 2;
            case IIF -> 4;
        };
    }

    private void load(Field f, int reg) {
        switch (f) {
            case SADDR -> out.add(new Payload(reg, NftExpression.PAYLOAD_NETWORK_HEADER,
                    family == NftFamily.IP ? 12 : 8, addrLen()));
            case DADDR -> out.add(new Payload(reg, NftExpression.PAYLOAD_NETWORK_HEADER,
                    family == NftFamily.IP ? 16 : 24, addrLen()));
            case L4PROTO -> out.add(new MetaLoad(NftExpression.META_L4PROTO, reg));
            case DPORT -> out.add(new Payload(reg, NftExpression.PAYLOAD_TRANSPORT_HEADER, 2, 2));
            case IIF -> out.add(new MetaLoad(NftExpression.META_IIF, reg));
        }
    }

    private void loadConcat(List<Field> key) {
        int k = 0;
        for (Field f : key) {
            load(f, register(k));
            k += (fieldLen(f) + 3) / 4;
        }
    }

    private void compare(Field field, boolean negated, Value value) {
        int op = negated ? NftExpression.CMP_NEQ : NftExpression.CMP_EQ;
        if (value instanceof Value.Addr a) {
            load(field, 1);
            out.add(new Cmp(1, op, NftKeys.address(a.ip())));
        } else if (value instanceof Value.Prefix p) {
            prefix(field, op, p.cidr());
        } else if (value instanceof Value.Proto p) {
            load(field, 1);
            out.add(new Cmp(1, op, NftKeys.protocol(p.protocol().ianaNumber())));
        } else if (value instanceof Value.Port p) {
            load(field, 1);
            out.add(new Cmp(1, op, NftKeys.port(p.port())));
        } else if (value instanceof Value.Int i) {
            load(field, 1);
            out.add(new Cmp(1, op, NftKeys.hostU32(i.value())));
        } else if (value instanceof Value.IfName n) {
            if (n.name().endsWith("*")) {
                throw new UnsupportedStatementException("iif " + n.name() + ": an interface index cannot be a "
                        + "wildcard");
            }
            load(field, 1);
            out.add(new Cmp(1, op, NftKeys.hostU32(ifindex.applyAsInt(n.name()))));
        }
    }

    /**
     * {@code ip saddr 10.0.0.0/8}: nft loads only the prefix's whole bytes and compares them; other lengths load the
     * whole address, mask it and compare (src/netlink_linearize.c, payload_expr_trim).
     */
    private void prefix(Field field, int op, String cidr) {
        Cidr c = Cidr.parse(cidr).orElseThrow();
        byte[] network = c.network();
        int bits = c.prefix();
        int len = network.length;
        Payload full = (Payload) payloadOf(field);
        if (bits == len * 8) {
            out.add(full);
            out.add(new Cmp(1, op, network));
        } else if (bits % 8 == 0) {
            out.add(new Payload(1, full.base(), full.offset(), bits / 8));
            out.add(new Cmp(1, op, Arrays.copyOf(network, bits / 8)));
        } else {
            out.add(full);
            out.add(new Bitwise(1, 1, len, mask(len, bits), new byte[len], false));
            out.add(new Cmp(1, op, network));
        }
    }

    private NftExpression payloadOf(Field field) {
        if (field != Field.SADDR && field != Field.DADDR) {
            throw new UnsupportedStatementException("prefix match on " + field);
        }
        int before = out.size();
        load(field, 1);
        return out.remove(before);
    }

    static byte[] mask(int len, int bits) {
        byte[] m = new byte[len];
        for (int i = 0; i < bits; i++) {
            m[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return m;
    }

    /** {@code ip saddr != { 203.0.113.0/25 , 1.2.3.4 }}: an anonymous interval set, or a compare for one member. */
    private void anonymousSet(Statement.AnonymousSetMatch a) {
        if (a.members().size() == 1) {
            // nft folds a one-member set into a plain match (src/evaluate.c, expr_evaluate_set with one element).
            compare(a.field(), a.negated(), a.members().get(0));
            return;
        }
        if (a.field() != Field.SADDR && a.field() != Field.DADDR) {
            throw new UnsupportedStatementException("anonymous set on " + a.field());
        }
        List<NftElement> elements = intervals(a.members());
        int id = batch.nextSetId();
        int template = family == NftFamily.IP ? (a.field() == Field.SADDR ? 11 : 12)
                : (a.field() == Field.SADDR ? 8 : 9);
        byte[] ud = new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, NftUserdata.BYTEORDER_BIG_ENDIAN)
                .u32(NftUserdata.SET_MERGE_ELEMENTS, 1)
                .typeof(NftUserdata.SET_KEY_TYPEOF, NftUserdata.EXPR_PAYLOAD,
                        d -> d.u32(0, family == NftFamily.IP ? PROTO_DESC_IP : PROTO_DESC_IP6).u32(1, template))
                .toBytes();
        NftSetSpec spec = new NftSetSpec("__set%d",
                NfTables.NFT_SET_ANONYMOUS | NfTables.NFT_SET_CONSTANT | NfTables.NFT_SET_INTERVAL,
                family == NftFamily.IP ? NfTables.TYPE_IPADDR : NfTables.TYPE_IP6ADDR, addrLen(), 0, 0, id, 0,
                elements.size(), ud);
        batch.add("add anonymous set for " + a.text(family), NftMessages.newSet(nfproto, table, spec));
        batch.addAll("add anonymous set elements for " + a.text(family),
                NftMessages.newElements(nfproto, table, "__set%d", id, elements));
        load(a.field(), 1);
        out.add(new Lookup(1, -1, "__set%d", id, a.negated() ? NftExpression.LOOKUP_F_INV : 0));
    }

    /**
     * Interval elements as nft sends them for prefixes and addresses: ranges merged when they overlap or touch,
     * ascending; each range is a start element and an INTERVAL_END element at its end + 1 (none when it reaches the
     * top of the address space); a leading end element at address 0 unless the first range starts there.
     */
    private List<NftElement> intervals(List<Value> members) {
        int len = addrLen();
        BigInteger top = BigInteger.ONE.shiftLeft(len * 8);
        List<BigInteger[]> ranges = new ArrayList<>();
        for (Value v : members) {
            String cidr;
            if (v instanceof Value.Addr a) {
                cidr = a.ip() + "/" + len * 8;
            } else if (v instanceof Value.Prefix p) {
                cidr = p.cidr();
            } else {
                throw new UnsupportedStatementException("anonymous set member " + v.text());
            }
            Cidr c = Cidr.parse(cidr).orElseThrow();
            BigInteger start = new BigInteger(1, c.network());
            BigInteger size = BigInteger.ONE.shiftLeft(len * 8 - c.prefix());
            ranges.add(new BigInteger[] {start, start.add(size)});
        }
        ranges.sort(Comparator.comparing((BigInteger[] r) -> r[0]));
        List<BigInteger[]> merged = new ArrayList<>();
        for (BigInteger[] r : ranges) {
            BigInteger[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0].compareTo(last[1]) <= 0) {
                last[1] = last[1].max(r[1]);
            } else {
                merged.add(new BigInteger[] {r[0], r[1]});
            }
        }
        List<NftElement> out = new ArrayList<>();
        if (merged.get(0)[0].signum() != 0) {
            out.add(new NftElement(new byte[len], NfTables.NFT_SET_ELEM_INTERVAL_END, null, null));
        }
        for (BigInteger[] r : merged) {
            out.add(new NftElement(bytes(r[0], len), 0, null, null));
            if (r[1].compareTo(top) < 0) {
                out.add(new NftElement(bytes(r[1], len), NfTables.NFT_SET_ELEM_INTERVAL_END, null, null));
            }
        }
        return out;
    }

    static byte[] bytes(BigInteger v, int len) {
        byte[] raw = v.toByteArray();
        byte[] b = new byte[len];
        int copy = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - copy, b, len - copy, copy);
        return b;
    }

    /** {@code dnat ip addr . port to numgen random mod N map { 0 : A . p, ... }}. */
    private void dnatNumgenMap(List<IpPort> targets) {
        int id = batch.nextSetId();
        int addrType = family == NftFamily.IP ? NfTables.TYPE_IPADDR : NfTables.TYPE_IP6ADDR;
        byte[] ud = new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, NftUserdata.BYTEORDER_HOST)
                .u32(NftUserdata.SET_DATABYTEORDER, NftUserdata.BYTEORDER_INVALID)
                .u32(NftUserdata.SET_DATA_INTERVAL, 0).toBytes();
        NftSetSpec spec = new NftSetSpec("__map%d",
                NfTables.NFT_SET_ANONYMOUS | NfTables.NFT_SET_CONSTANT | NfTables.NFT_SET_MAP, NfTables.TYPE_INTEGER,
                4, NftKeys.concatType(addrType, NfTables.TYPE_INET_SERVICE), addrLen() + 4, id, 0, targets.size(), ud);
        List<NftElement> elements = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            IpPort t = targets.get(i);
            elements.add(NftElement.of(NftKeys.hostU32(i), new NftData.Value(
                    NftKeys.concat(NftKeys.address(t.addr().ip()), NftKeys.port(t.port().port())))));
        }
        batch.add("add anonymous DNAT map", NftMessages.newSet(nfproto, table, spec));
        batch.addAll("add anonymous DNAT map elements", NftMessages.newElements(nfproto, table, "__map%d", id,
                elements));
        out.add(new NftExpression.Numgen(1, targets.size(), NftExpression.NG_RANDOM, 0));
        out.add(new Lookup(1, 1, "__map%d", id, 0));
        out.add(new NftExpression.Nat(NftExpression.NAT_DNAT, nfproto, 1, register(addrLen() / 4), 0));
    }

    /** {@code numgen random mod N vmap { 0 : goto A , ... }}. */
    private void numgenVmap(List<Verdict> verdicts) {
        int id = batch.nextSetId();
        byte[] ud = new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, NftUserdata.BYTEORDER_HOST)
                .u32(NftUserdata.SET_DATABYTEORDER, NftUserdata.BYTEORDER_INVALID)
                .typeof(NftUserdata.SET_DATA_TYPEOF, NftUserdata.EXPR_VERDICT, d -> { })
                .u32(NftUserdata.SET_DATA_INTERVAL, 0).toBytes();
        NftSetSpec spec = new NftSetSpec("__map%d",
                NfTables.NFT_SET_ANONYMOUS | NfTables.NFT_SET_CONSTANT | NfTables.NFT_SET_MAP, NfTables.TYPE_INTEGER,
                4, NfTables.NFT_DATA_VERDICT, 0, id, 0, verdicts.size(), ud);
        List<NftElement> elements = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            elements.add(NftElement.of(NftKeys.hostU32(i), verdict(verdicts.get(i))));
        }
        batch.add("add anonymous verdict map", NftMessages.newSet(nfproto, table, spec));
        batch.addAll("add anonymous verdict map elements", NftMessages.newElements(nfproto, table, "__map%d", id,
                elements));
        out.add(new NftExpression.Numgen(1, verdicts.size(), NftExpression.NG_RANDOM, 0));
        out.add(new Lookup(1, 0, "__map%d", id, 0));
    }
}
