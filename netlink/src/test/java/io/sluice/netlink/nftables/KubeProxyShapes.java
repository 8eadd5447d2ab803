package io.sluice.netlink.nftables;

import io.sluice.netlink.nftables.NftData.Verdict;
import io.sluice.netlink.nftables.NftExpression.Bitwise;
import io.sluice.netlink.nftables.NftExpression.Cmp;
import io.sluice.netlink.nftables.NftExpression.Ct;
import io.sluice.netlink.nftables.NftExpression.Dynset;
import io.sluice.netlink.nftables.NftExpression.Fib;
import io.sluice.netlink.nftables.NftExpression.Immediate;
import io.sluice.netlink.nftables.NftExpression.Lookup;
import io.sluice.netlink.nftables.NftExpression.Masq;
import io.sluice.netlink.nftables.NftExpression.MetaLoad;
import io.sluice.netlink.nftables.NftExpression.MetaSet;
import io.sluice.netlink.nftables.NftExpression.Nat;
import io.sluice.netlink.nftables.NftExpression.Numgen;
import io.sluice.netlink.nftables.NftExpression.Objref;
import io.sluice.netlink.nftables.NftExpression.Payload;
import io.sluice.netlink.nftables.NftExpression.Reject;

import java.util.List;

import static io.sluice.netlink.nftables.NfTables.NFPROTO_IPV4;
import static io.sluice.netlink.nftables.NftExpression.PAYLOAD_NETWORK_HEADER;
import static io.sluice.netlink.nftables.NftExpression.PAYLOAD_TRANSPORT_HEADER;

/**
 * The batch that {@code src/test/resources/nftables/kube-proxy-shapes.nft} compiles to, written against the Java API
 * member by member (one per line of the file, element lists and anonymous sets where nft adds them). The golden test
 * compares it byte for byte with what nft 1.0.6 sent for the file; the kernel IT commits it and compares the listing
 * with the one of {@code nft -f}.
 */
final class KubeProxyShapes {
    static final int F = NFPROTO_IPV4;
    static final String T = "kube-proxy";
    static final int R1 = NfTables.NFT_REG_1;
    static final String SVC = "service-ULMVA6XW-ns1/svc1/tcp/p80";
    static final String EP1 = "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80";
    static final String EP2 = "endpoint-AAAAAAAA-ns1/svc1/tcp/p80__10.180.0.2/80";
    static final String AFF = "affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80";

    private KubeProxyShapes() {
    }

    static int reg32(int i) {
        return NfTables.NFT_REG32_00 + i;
    }

    static byte[] u32be(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] ip(String a) {
        return NftKeys.address(a);
    }

    /** {@code mark set mark or M} (libnftnl: mask ~M, xor M, with an explicit op). */
    static List<NftExpression> markOr(int mark) {
        return List.of(new MetaLoad(NftExpression.META_MARK, R1),
                new Bitwise(R1, R1, 4, NftKeys.hostU32(~mark), NftKeys.hostU32(mark), true),
                new MetaSet(NftExpression.META_MARK, R1));
    }

    static NftExpression jump(String chain) {
        return Immediate.verdict(Verdict.jump(chain));
    }

    static List<NftExpression> concat(NftExpression... e) {
        return List.of(e);
    }

    static List<NftExpression> join(List<?>... parts) {
        java.util.ArrayList<NftExpression> out = new java.util.ArrayList<>();
        for (List<?> p : parts) {
            for (Object o : p) {
                out.add((NftExpression) o);
            }
        }
        return out;
    }

    static byte[] setUd(int keyByteorder, String comment) {
        return new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, keyByteorder)
                .string(NftUserdata.SET_COMMENT, comment).toBytes();
    }

    /** What nft writes for a named verdict map keyed by a concatenation. */
    static byte[] concatVmapUd(String comment) {
        return new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, NftUserdata.BYTEORDER_INVALID)
                .u32(NftUserdata.SET_DATABYTEORDER, NftUserdata.BYTEORDER_INVALID)
                .typeof(NftUserdata.SET_KEY_TYPEOF, NftUserdata.EXPR_CONCAT, d -> { })
                .u32(NftUserdata.SET_DATA_INTERVAL, 0)
                .string(NftUserdata.SET_COMMENT, comment).toBytes();
    }

    static NftBatch batch() {
        NftBatch b = new NftBatch();
        b.add("add table ip kube-proxy", NftMessages.newTable(F, T, 0, NftUserdata.comment("rules for kube-proxy")));
        b.add("add chain nat-prerouting", NftMessages.newChain(F, T, "nat-prerouting",
                new NftMessages.Hook("nat", NfTables.NF_INET_PRE_ROUTING, -100), null));
        b.add("add chain services", NftMessages.newChain(F, T, "services", null, null));
        b.add("add chain masquerading", NftMessages.newChain(F, T, "masquerading", null, null));
        b.add("add chain filter-input", NftMessages.newChain(F, T, "filter-input",
                new NftMessages.Hook("filter", NfTables.NF_INET_LOCAL_IN, 0), null));
        b.add("add chain reject-chain", NftMessages.newChain(F, T, "reject-chain", null,
                NftUserdata.comment("helper for @no-endpoint-services / @no-endpoint-nodeports")));
        b.add("add rule reject-chain reject", NftMessages.newRule(F, T, "reject-chain",
                List.of(new Reject(NftExpression.REJECT_ICMP_UNREACH, NftExpression.ICMP_PORT_UNREACH)), null));
        b.add("add rule nat-prerouting jump services", NftMessages.newRule(F, T, "nat-prerouting",
                List.of(jump("services")), null));
        b.add("add rule filter-input ct state new", NftMessages.newRule(F, T, "filter-input", List.of(
                new Ct(NftExpression.CT_STATE, R1),
                new Bitwise(R1, R1, 4, NftKeys.hostU32(8), NftKeys.hostU32(0), false),
                new Cmp(R1, NftExpression.CMP_NEQ, NftKeys.hostU32(0)),
                jump("reject-chain")), null));
        int clusterIps = b.nextSetId();
        b.add("add set cluster-ips", NftMessages.newSet(F, T, new NftSetSpec("cluster-ips", 0, NfTables.TYPE_IPADDR,
                4, 0, 0, clusterIps, 0, 0, setUd(NftUserdata.BYTEORDER_BIG_ENDIAN, "Active ClusterIPs"))));
        int serviceIps = b.nextSetId();
        int v4Tuple = NftKeys.concatType(NfTables.TYPE_IPADDR, NfTables.TYPE_INET_PROTOCOL,
                NfTables.TYPE_INET_SERVICE);
        b.add("add map service-ips", NftMessages.newSet(F, T, new NftSetSpec("service-ips", NfTables.NFT_SET_MAP,
                v4Tuple, 12, NfTables.NFT_DATA_VERDICT, 0, serviceIps, 0, 0,
                concatVmapUd("ClusterIP, ExternalIP and LoadBalancer IP traffic"))));
        int nodePorts = b.nextSetId();
        b.add("add map service-nodeports", NftMessages.newSet(F, T, new NftSetSpec("service-nodeports",
                NfTables.NFT_SET_MAP, NftKeys.concatType(NfTables.TYPE_INET_PROTOCOL, NfTables.TYPE_INET_SERVICE), 8,
                NfTables.NFT_DATA_VERDICT, 0, nodePorts, 0, 0, concatVmapUd("NodePort traffic"))));
        int hairpin = b.nextSetId();
        b.add("add set hairpin-connections", NftMessages.newSet(F, T, new NftSetSpec("hairpin-connections", 0,
                NftKeys.concatType(NfTables.TYPE_IPADDR, NfTables.TYPE_IPADDR, NfTables.TYPE_INET_PROTOCOL,
                        NfTables.TYPE_INET_SERVICE), 16, 0, 0, hairpin, 0, 0,
                new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, 0)
                        .typeof(NftUserdata.SET_KEY_TYPEOF, NftUserdata.EXPR_CONCAT, d -> { })
                        .string(NftUserdata.SET_COMMENT, "service hairpin connections").toBytes())));
        b.add("add rule masquerading mark", NftMessages.newRule(F, T, "masquerading", join(
                List.of(new MetaLoad(NftExpression.META_MARK, R1),
                        new Bitwise(R1, R1, 4, NftKeys.hostU32(0x4000), NftKeys.hostU32(0), true),
                        new Cmp(R1, NftExpression.CMP_NEQ, NftKeys.hostU32(0)),
                        new MetaLoad(NftExpression.META_MARK, R1),
                        new Bitwise(R1, R1, 4, NftKeys.hostU32(0xffffffff), NftKeys.hostU32(0x4000), true),
                        new MetaSet(NftExpression.META_MARK, R1),
                        new Masq(NftExpression.NAT_RANGE_PROTO_RANDOM_FULLY))), null));
        b.add("add rule masquerading hairpin", NftMessages.newRule(F, T, "masquerading", List.of(
                new Ct(NftExpression.CT_STATUS, R1),
                new Bitwise(R1, R1, 4, NftKeys.hostU32(0x20), NftKeys.hostU32(0), false),
                new Cmp(R1, NftExpression.CMP_NEQ, NftKeys.hostU32(0)),
                new Payload(R1, PAYLOAD_NETWORK_HEADER, 12, 4),
                new Payload(reg32(1), PAYLOAD_NETWORK_HEADER, 16, 4),
                new MetaLoad(NftExpression.META_L4PROTO, reg32(2)),
                new Payload(reg32(3), PAYLOAD_TRANSPORT_HEADER, 2, 2),
                new Lookup(R1, -1, "hairpin-connections", hairpin, 0),
                new Masq(NftExpression.NAT_RANGE_PROTO_RANDOM_FULLY)), null));
        b.add("add rule services cluster-ips", NftMessages.newRule(F, T, "services", join(
                List.of(new Payload(R1, PAYLOAD_NETWORK_HEADER, 16, 4),
                        new Lookup(R1, -1, "cluster-ips", clusterIps, 0)),
                markOr(0x4000)), NftUserdata.comment("masquerade all clusterIP traffic")));
        b.add("add rule services vmap service-ips", NftMessages.newRule(F, T, "services", List.of(
                new Payload(R1, PAYLOAD_NETWORK_HEADER, 16, 4),
                new MetaLoad(NftExpression.META_L4PROTO, reg32(1)),
                new Payload(reg32(2), PAYLOAD_TRANSPORT_HEADER, 2, 2),
                new Lookup(R1, 0, "service-ips", serviceIps, 0)), null));
        b.add("add rule services nodeports", NftMessages.newRule(F, T, "services", List.of(
                new Fib(NftExpression.FIB_F_DADDR, NftExpression.FIB_RESULT_ADDRTYPE, R1),
                new Cmp(R1, NftExpression.CMP_EQ, NftKeys.hostU32(2)),
                new Payload(R1, PAYLOAD_NETWORK_HEADER, 16, 1),
                new Cmp(R1, NftExpression.CMP_NEQ, new byte[] {127}),
                new MetaLoad(NftExpression.META_L4PROTO, R1),
                new Payload(reg32(1), PAYLOAD_TRANSPORT_HEADER, 2, 2),
                new Lookup(R1, 0, "service-nodeports", nodePorts, 0)), null));
        b.add("add chain " + SVC, NftMessages.newChain(F, T, SVC, null, null));
        b.add("add chain " + EP1, NftMessages.newChain(F, T, EP1, null, null));
        b.add("add chain " + EP2, NftMessages.newChain(F, T, EP2, null, null));
        int aff = b.nextSetId();
        b.add("add set " + AFF, NftMessages.newSet(F, T, new NftSetSpec(AFF,
                NfTables.NFT_SET_TIMEOUT | NfTables.NFT_SET_EVAL, NfTables.TYPE_IPADDR, 4, 0, 0, aff, 10_800_000L, 0,
                new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, NftUserdata.BYTEORDER_BIG_ENDIAN).toBytes())));
        b.add("add rule " + SVC + " matches", NftMessages.newRule(F, T, SVC, join(List.of(
                new Payload(R1, PAYLOAD_NETWORK_HEADER, 16, 4),
                new Cmp(R1, NftExpression.CMP_EQ, ip("172.30.0.41")),
                new MetaLoad(NftExpression.META_L4PROTO, R1),
                new Cmp(R1, NftExpression.CMP_EQ, new byte[] {6}),
                new Payload(R1, PAYLOAD_TRANSPORT_HEADER, 2, 2),
                new Cmp(R1, NftExpression.CMP_EQ, NftKeys.port(80)),
                new Payload(R1, PAYLOAD_NETWORK_HEADER, 12, 1),
                new Cmp(R1, NftExpression.CMP_NEQ, new byte[] {10})), markOr(0x4000)), null));
        int vmap = b.nextSetId();
        b.add("add anonymous vmap", NftMessages.newSet(F, T, new NftSetSpec("__map%d",
                NfTables.NFT_SET_ANONYMOUS | NfTables.NFT_SET_CONSTANT | NfTables.NFT_SET_MAP, NfTables.TYPE_INTEGER,
                4, NfTables.NFT_DATA_VERDICT, 0, vmap, 0, 2,
                new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, NftUserdata.BYTEORDER_HOST)
                        .u32(NftUserdata.SET_DATABYTEORDER, NftUserdata.BYTEORDER_INVALID)
                        .typeof(NftUserdata.SET_DATA_TYPEOF, NftUserdata.EXPR_VERDICT, d -> { })
                        .u32(NftUserdata.SET_DATA_INTERVAL, 0).toBytes())));
        b.addAll("add anonymous vmap elements", NftMessages.newElements(F, T, "__map%d", vmap, List.of(
                NftElement.of(NftKeys.hostU32(0), Verdict.goTo(EP1)),
                NftElement.of(NftKeys.hostU32(1), Verdict.goTo(EP2)))));
        b.add("add rule " + SVC + " numgen", NftMessages.newRule(F, T, SVC, List.of(
                new Numgen(R1, 2, NftExpression.NG_RANDOM, 0),
                new Lookup(R1, 0, "__map%d", vmap, 0)), null));
        b.add("add rule " + EP1 + " masquerade mark", NftMessages.newRule(F, T, EP1, join(List.of(
                new Payload(R1, PAYLOAD_NETWORK_HEADER, 12, 4),
                new Cmp(R1, NftExpression.CMP_EQ, ip("10.180.0.1"))), markOr(0x4000)), null));
        b.add("add rule " + EP1 + " update", NftMessages.newRule(F, T, EP1, List.of(
                new Payload(R1, PAYLOAD_NETWORK_HEADER, 12, 4),
                new Dynset(R1, NftExpression.DYNSET_OP_UPDATE, AFF, aff, 0)), null));
        b.add("add rule " + EP1 + " dnat", NftMessages.newRule(F, T, EP1, List.of(
                new MetaLoad(NftExpression.META_L4PROTO, R1),
                new Cmp(R1, NftExpression.CMP_EQ, new byte[] {6}),
                new Immediate(R1, new NftData.Value(ip("10.180.0.1"))),
                new Immediate(NfTables.NFT_REG_2, new NftData.Value(NftKeys.port(80))),
                new Nat(NftExpression.NAT_DNAT, NFPROTO_IPV4, R1, NfTables.NFT_REG_2,
                        NftExpression.NAT_RANGE_PROTO_SPECIFIED)), null));
        int dnatMap = b.nextSetId();
        b.add("add anonymous map", NftMessages.newSet(F, T, new NftSetSpec("__map%d",
                NfTables.NFT_SET_ANONYMOUS | NfTables.NFT_SET_CONSTANT | NfTables.NFT_SET_MAP, NfTables.TYPE_INTEGER,
                4, NftKeys.concatType(NfTables.TYPE_IPADDR, NfTables.TYPE_INET_SERVICE), 8, dnatMap, 0, 2,
                new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, NftUserdata.BYTEORDER_HOST)
                        .u32(NftUserdata.SET_DATABYTEORDER, NftUserdata.BYTEORDER_INVALID)
                        .u32(NftUserdata.SET_DATA_INTERVAL, 0).toBytes())));
        b.addAll("add anonymous map elements", NftMessages.newElements(F, T, "__map%d", dnatMap, List.of(
                NftElement.of(NftKeys.hostU32(0),
                        new NftData.Value(NftKeys.concat(ip("10.180.0.1"), NftKeys.port(80)))),
                NftElement.of(NftKeys.hostU32(1),
                        new NftData.Value(NftKeys.concat(ip("10.180.0.2"), NftKeys.port(8080)))))));
        b.add("add rule " + EP2 + " dnat map", NftMessages.newRule(F, T, EP2, List.of(
                new MetaLoad(NftExpression.META_L4PROTO, R1),
                new Cmp(R1, NftExpression.CMP_EQ, new byte[] {6}),
                new Numgen(R1, 2, NftExpression.NG_RANDOM, 0),
                new Lookup(R1, R1, "__map%d", dnatMap, 0),
                new Nat(NftExpression.NAT_DNAT, NFPROTO_IPV4, R1, reg32(1), 0)), null));
        int srcRanges = b.nextSetId();
        b.add("add anonymous interval set", NftMessages.newSet(F, T, intervalSet(srcRanges, 11)));
        b.addAll("add anonymous interval set elements", NftMessages.newElements(F, T, "__set%d", srcRanges,
                intervals(ip("0.0.0.0"), ip("1.2.3.4"), ip("1.2.3.5"), ip("203.0.113.0"), ip("203.0.113.128"))));
        b.add("add rule services source ranges", NftMessages.newRule(F, T, "services", List.of(
                new Payload(R1, PAYLOAD_NETWORK_HEADER, 12, 4),
                new Lookup(R1, -1, "__set%d", srcRanges, NftExpression.LOOKUP_F_INV),
                Immediate.verdict(Verdict.drop())), null));
        int cidrs = b.nextSetId();
        b.add("add anonymous interval set", NftMessages.newSet(F, T, intervalSet(cidrs, 12)));
        b.addAll("add anonymous interval set elements", NftMessages.newElements(F, T, "__set%d", cidrs,
                intervals(ip("0.0.0.0"), ip("172.30.0.0"), ip("172.31.0.0"), ip("172.50.0.0"), ip("172.51.0.0"))));
        b.add("add rule services service cidrs", NftMessages.newRule(F, T, "services", List.of(
                new Payload(R1, PAYLOAD_NETWORK_HEADER, 16, 4),
                new Lookup(R1, -1, "__set%d", cidrs, 0),
                Immediate.verdict(Verdict.drop())), NftUserdata.comment("Drop traffic to unallocated ClusterIPs")));
        b.addAll("add element cluster-ips", NftMessages.newElements(F, T, "cluster-ips", clusterIps,
                List.of(NftElement.of(ip("172.30.0.41")))));
        b.addAll("add element service-ips", NftMessages.newElements(F, T, "service-ips", serviceIps, List.of(
                NftElement.of(NftKeys.concat(ip("172.30.0.41"), NftKeys.protocol(6), NftKeys.port(80)),
                        Verdict.goTo(SVC)))));
        b.addAll("add element service-nodeports", NftMessages.newElements(F, T, "service-nodeports", nodePorts,
                List.of(new NftElement(NftKeys.concat(NftKeys.protocol(6), NftKeys.port(3001)), 0, Verdict.drop(),
                        NftUserdata.comment("ns2/svc2:p80")))));
        b.addAll("add element hairpin-connections", NftMessages.newElements(F, T, "hairpin-connections", hairpin,
                List.of(NftElement.of(NftKeys.concat(ip("10.180.0.1"), ip("10.180.0.1"), NftKeys.protocol(6),
                        NftKeys.port(80))))));
        b.add("add counter localhost-nodeport-rejected-tcp",
                NftMessages.newCounter(F, T, "localhost-nodeport-rejected-tcp"));
        b.add("add rule reject-chain counter", NftMessages.newRule(F, T, "reject-chain", List.of(
                new Objref(NfTables.NFT_OBJECT_COUNTER, "localhost-nodeport-rejected-tcp"),
                new Reject(NftExpression.REJECT_ICMP_UNREACH, NftExpression.ICMP_PORT_UNREACH)), null));
        b.add("add rule services iif != lo return", NftMessages.newRule(F, T, "services", List.of(
                new MetaLoad(NftExpression.META_IIF, R1),
                new Cmp(R1, NftExpression.CMP_NEQ, NftKeys.hostU32(1)),
                Immediate.verdict(Verdict.ret())), null));
        return b;
    }

    /** An anonymous interval set of IPv4 prefixes matched against ip saddr (template 11) or daddr (12). */
    static NftSetSpec intervalSet(int id, int payloadTemplate) {
        return new NftSetSpec("__set%d",
                NfTables.NFT_SET_ANONYMOUS | NfTables.NFT_SET_CONSTANT | NfTables.NFT_SET_INTERVAL,
                NfTables.TYPE_IPADDR, 4, 0, 0, id, 0, 5,
                new NftUserdata().u32(NftUserdata.SET_KEYBYTEORDER, NftUserdata.BYTEORDER_BIG_ENDIAN)
                        .u32(NftUserdata.SET_MERGE_ELEMENTS, 1)
                        .typeof(NftUserdata.SET_KEY_TYPEOF, NftUserdata.EXPR_PAYLOAD,
                                d -> d.u32(0, 12).u32(1, payloadTemplate)).toBytes());
    }

    /** Interval elements as nft sends them: an end at 0, then start/end pairs (ends flagged INTERVAL_END). */
    static List<NftElement> intervals(byte[] zero, byte[]... bounds) {
        java.util.ArrayList<NftElement> out = new java.util.ArrayList<>();
        out.add(new NftElement(zero, NfTables.NFT_SET_ELEM_INTERVAL_END, null, null));
        for (int i = 0; i < bounds.length; i++) {
            out.add(new NftElement(bounds[i], i % 2 == 1 ? NfTables.NFT_SET_ELEM_INTERVAL_END : 0, null, null));
        }
        return out;
    }
}
