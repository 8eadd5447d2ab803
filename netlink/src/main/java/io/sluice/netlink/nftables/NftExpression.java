package io.sluice.netlink.nftables;

import io.sluice.netlink.AttributeWriter;

import java.util.Objects;

/**
 * One nf_tables expression of a rule ({@code NFTA_LIST_ELEM {NFTA_EXPR_NAME, NFTA_EXPR_DATA}}). The records cover what
 * kube-proxy's ruleset compiles to; each writes its attributes in the order libnftnl's {@code *_build} functions do
 * (src/expr/*.c), so a rule built here is byte-identical to the one {@code nft -f} sends for the same text.
 *
 * <p>Registers are the kernel's numbers: {@link NfTables#NFT_REG_VERDICT} 0, NFT_REG_1..4 (16 bytes), NFT_REG32_00..15
 * (8..23, 4 bytes each; NFT_REG32_00 aliases the start of NFT_REG_1).
 */
public sealed interface NftExpression {

    /** NFTA_EXPR_NAME: the kernel's expression type name. */
    String name();

    /** The attributes inside NFTA_EXPR_DATA. */
    void writeData(AttributeWriter w);

    /** Writes the whole NFTA_LIST_ELEM. */
    default void write(AttributeWriter w) {
        w.nestedFlagged(NfTables.NFTA_LIST_ELEM, e -> {
            e.string(NfTables.NFTA_EXPR_NAME, name());
            e.nestedFlagged(NfTables.NFTA_EXPR_DATA, this::writeData);
        });
    }

    int PAYLOAD_LL_HEADER = 0;
    int PAYLOAD_NETWORK_HEADER = 1;
    int PAYLOAD_TRANSPORT_HEADER = 2;

    /** Loads {@code len} bytes at {@code offset} of a header into {@code dreg} ({@code ip daddr}, {@code th dport}). */
    record Payload(int dreg, int base, int offset, int len) implements NftExpression {
        @Override
        public String name() {
            return "payload";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(1, dreg).u32be(2, base).u32be(3, offset).u32be(4, len);
        }
    }

    int CMP_EQ = 0;
    int CMP_NEQ = 1;

    /** Compares {@code sreg} with {@code data} (enum nft_cmp_ops); the rule stops here when false. */
    record Cmp(int sreg, int op, byte[] data) implements NftExpression {
        public Cmp {
            data = data.clone();
        }

        @Override
        public String name() {
            return "cmp";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(1, sreg).u32be(2, op);
            w.nestedFlagged(3, d -> d.bytes(NfTables.NFTA_DATA_VALUE, data));
        }
    }

    /** Matches when {@code from <= sreg <= to} (or outside with NFT_RANGE_NEQ 1). */
    record Range(int sreg, int op, byte[] from, byte[] to) implements NftExpression {
        public Range {
            from = from.clone();
            to = to.clone();
        }

        @Override
        public String name() {
            return "range";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(1, sreg).u32be(2, op);
            w.nestedFlagged(3, d -> d.bytes(NfTables.NFTA_DATA_VALUE, from));
            w.nestedFlagged(4, d -> d.bytes(NfTables.NFTA_DATA_VALUE, to));
        }
    }

    int META_MARK = 3;
    int META_IIF = 4;
    int META_OIF = 5;
    int META_IIFNAME = 6;
    int META_OIFNAME = 7;
    int META_NFPROTO = 15;
    int META_L4PROTO = 16;

    /** Loads meta key {@code key} (enum nft_meta_keys) into {@code dreg}. */
    record MetaLoad(int key, int dreg) implements NftExpression {
        @Override
        public String name() {
            return "meta";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(2, key).u32be(1, dreg);
        }
    }

    /** Sets meta key {@code key} from {@code sreg} ({@code meta mark set ...}). */
    record MetaSet(int key, int sreg) implements NftExpression {
        @Override
        public String name() {
            return "meta";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(2, key).u32be(3, sreg);
        }
    }

    /**
     * {@code dreg = (sreg & mask) ^ xor} over {@code len} bytes. {@code explicitOp} writes NFTA_BITWISE_OP
     * (NFT_BITWISE_MASK_XOR 0) as nft does for meta mark statements; ct and prefix matches omit it (same meaning).
     */
    record Bitwise(int sreg, int dreg, int len, byte[] mask, byte[] xor, boolean explicitOp) implements NftExpression {
        public Bitwise {
            mask = mask.clone();
            xor = xor.clone();
            if (mask.length != len || xor.length != len) {
                throw new IllegalArgumentException("bitwise mask/xor must be " + len + " bytes");
            }
        }

        @Override
        public String name() {
            return "bitwise";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(1, sreg).u32be(2, dreg);
            if (explicitOp) {
                w.u32be(6, 0);
            }
            w.u32be(3, len);
            w.nestedFlagged(4, d -> d.bytes(NfTables.NFTA_DATA_VALUE, mask));
            w.nestedFlagged(5, d -> d.bytes(NfTables.NFTA_DATA_VALUE, xor));
        }
    }

    int CT_STATE = 0;
    int CT_STATUS = 2;
    int CT_MARK = 3;

    /** Loads conntrack key {@code key} (enum nft_ct_keys) into {@code dreg}. */
    record Ct(int key, int dreg) implements NftExpression {
        @Override
        public String name() {
            return "ct";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(2, key).u32be(1, dreg);
        }
    }

    int FIB_RESULT_OIF = 1;
    int FIB_RESULT_ADDRTYPE = 3;
    int FIB_F_SADDR = 1;
    int FIB_F_DADDR = 2;

    /** A FIB lookup ({@code fib daddr type}): result {@code result} for the address selected by {@code flags}. */
    record Fib(int flags, int result, int dreg) implements NftExpression {
        @Override
        public String name() {
            return "fib";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(3, flags).u32be(2, result).u32be(1, dreg);
        }
    }

    int LOOKUP_F_INV = 1;

    /**
     * Looks {@code sreg} up in set {@code set} (by name; {@code setId} non-zero also names a set created earlier in the
     * same batch, as anonymous sets are). {@code dreg} -1 for plain sets, 0 for verdict maps, a data register for maps.
     */
    record Lookup(int sreg, int dreg, String set, int setId, int flags) implements NftExpression {
        public Lookup {
            Objects.requireNonNull(set, "set");
        }

        @Override
        public String name() {
            return "lookup";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(2, sreg);
            if (dreg >= 0) {
                w.u32be(3, dreg);
            }
            w.string(1, set);
            if (setId != 0) {
                w.u32be(4, setId);
            }
            if (flags != 0) {
                w.u32be(5, flags);
            }
        }
    }

    /** Loads a constant or a verdict ({@code dreg} 0) into a register. */
    record Immediate(int dreg, NftData data) implements NftExpression {
        public Immediate {
            Objects.requireNonNull(data, "data");
        }

        public static Immediate verdict(NftData.Verdict v) {
            return new Immediate(NfTables.NFT_REG_VERDICT, v);
        }

        @Override
        public String name() {
            return "immediate";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(1, dreg);
            w.nestedFlagged(2, data::write);
        }
    }

    int NG_INCREMENTAL = 0;
    int NG_RANDOM = 1;

    /** {@code numgen random mod N [offset O]} into {@code dreg}. */
    record Numgen(int dreg, int modulus, int type, int offset) implements NftExpression {
        @Override
        public String name() {
            return "numgen";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(1, dreg).u32be(2, modulus).u32be(3, type).u32be(4, offset);
        }
    }

    int NAT_SNAT = 0;
    int NAT_DNAT = 1;
    /** NF_NAT_RANGE_* flags (linux/netfilter/nf_nat.h). */
    int NAT_RANGE_MAP_IPS = 0x1;
    int NAT_RANGE_PROTO_SPECIFIED = 0x2;
    int NAT_RANGE_PROTO_RANDOM_FULLY = 0x10;

    /** {@code dnat to <addr reg>[:<proto reg>]}; {@code protoMinReg}/{@code flags} 0 when absent. */
    record Nat(int type, int family, int addrMinReg, int protoMinReg, int flags) implements NftExpression {
        @Override
        public String name() {
            return "nat";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(1, type).u32be(2, family);
            if (addrMinReg != 0) {
                w.u32be(3, addrMinReg);
            }
            if (protoMinReg != 0) {
                w.u32be(5, protoMinReg);
            }
            if (flags != 0) {
                w.u32be(7, flags);
            }
        }
    }

    /** {@code masquerade [fully-random]} (flags are NF_NAT_RANGE_*; 0 writes none). */
    record Masq(int flags) implements NftExpression {
        @Override
        public String name() {
            return "masq";
        }

        @Override
        public void writeData(AttributeWriter w) {
            if (flags != 0) {
                w.u32be(1, flags);
            }
        }
    }

    int REJECT_ICMP_UNREACH = 0;
    int REJECT_TCP_RST = 1;
    /** ICMP_PORT_UNREACH (ip) and ICMPV6_PORT_UNREACH (ip6): what plain {@code reject} sends in those tables. */
    int ICMP_PORT_UNREACH = 3;
    int ICMPV6_PORT_UNREACH = 4;

    /** {@code reject}: type {@link #REJECT_ICMP_UNREACH} with an ICMP code. */
    record Reject(int type, int icmpCode) implements NftExpression {
        @Override
        public String name() {
            return "reject";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(1, type).u8(2, icmpCode);
        }
    }

    int DYNSET_OP_ADD = 0;
    int DYNSET_OP_UPDATE = 1;

    /** {@code update @set { key }}: adds or refreshes {@code sregKey} in a dynamic set; timeout 0 = the set's. */
    record Dynset(int sregKey, int op, String set, int setId, long timeoutMs) implements NftExpression {
        public Dynset {
            Objects.requireNonNull(set, "set");
        }

        @Override
        public String name() {
            return "dynset";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u32be(4, sregKey).u32be(3, op).string(1, set);
            if (setId != 0) {
                w.u32be(2, setId);
            }
            if (timeoutMs != 0) {
                w.u64be(6, timeoutMs);
            }
        }
    }

    /** {@code counter name "x"}: a reference to a named stateful object ({@link NfTables#NFT_OBJECT_COUNTER}). */
    record Objref(int objectType, String objectName) implements NftExpression {
        public Objref {
            Objects.requireNonNull(objectName, "objectName");
        }

        @Override
        public String name() {
            return "objref";
        }

        @Override
        public void writeData(AttributeWriter w) {
            // libnftnl writes the name with mnl_attr_put_str: no trailing NUL.
            w.u32be(1, objectType).stringNoNul(2, objectName);
        }
    }

    /** An anonymous {@code counter} starting at the given values. */
    record Counter(long bytes, long packets) implements NftExpression {
        @Override
        public String name() {
            return "counter";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u64be(1, bytes).u64be(2, packets);
        }
    }

    int LIMIT_PKTS = 0;
    int LIMIT_PKT_BYTES = 1;

    /** {@code limit rate N/unit burst B}: {@code unitSeconds} is the period (1, 60, 3600, 86400). */
    record Limit(long rate, long unitSeconds, int burst, int type, int flags) implements NftExpression {
        @Override
        public String name() {
            return "limit";
        }

        @Override
        public void writeData(AttributeWriter w) {
            w.u64be(1, rate).u64be(2, unitSeconds).u32be(3, burst).u32be(4, type).u32be(5, flags);
        }
    }
}
