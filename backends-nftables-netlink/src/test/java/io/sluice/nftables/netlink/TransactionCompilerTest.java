package io.sluice.nftables.netlink;

import io.sluice.core.model.Protocol;
import io.sluice.netlink.NetlinkMessageParser;
import io.sluice.netlink.nftables.NfTables;
import io.sluice.netlink.nftables.NftBatch;
import io.sluice.netlink.nftables.NftMessages;
import io.sluice.nftables.model.Element;
import io.sluice.nftables.model.Field;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.NftSet;
import io.sluice.nftables.model.DataType;
import io.sluice.nftables.model.Rule;
import io.sluice.nftables.model.Statement;
import io.sluice.nftables.model.Transaction;
import io.sluice.nftables.model.Value;
import io.sluice.nftables.model.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Compilation without a kernel: which messages a transaction becomes and how they are named. */
class TransactionCompilerTest {
    private final TransactionCompiler compiler = new TransactionCompiler(name -> 7);

    @Test
    void consecutiveElementsOfOneSetShareAMessage() {
        Transaction tx = Transaction.builder(NftFamily.IP, "kube-proxy")
                .add(NftSet.set("cluster-ips", List.of(DataType.IPV4_ADDR), "Active ClusterIPs"))
                .add(Element.of("cluster-ips", new Value.Addr("10.96.0.1")))
                .add(Element.of("cluster-ips", new Value.Addr("10.96.0.2")))
                .add(Element.of("cluster-ips", new Value.Addr("10.96.0.3")))
                .delete(Element.of("cluster-ips", new Value.Addr("10.96.0.9")))
                .build();

        NftBatch batch = compiler.compile(tx);

        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.description(0)).isEqualTo("add set ip kube-proxy cluster-ips");
        assertThat(batch.description(1)).isEqualTo("add element ip kube-proxy cluster-ips (3 elements from 10.96.0.1)");
        assertThat(batch.description(2)).isEqualTo("delete element ip kube-proxy cluster-ips { 10.96.0.9 }");
    }

    @Test
    void aOneMemberAnonymousSetIsAPlainCompareAndLargerOnesBecomeAnIntervalSet() {
        Rule one = Rule.of("services", new Statement.AnonymousSetMatch(Field.DADDR, false,
                List.of(new Value.Prefix("10.96.0.0/16")), true), new Statement.VerdictStatement(Verdict.DROP));
        Rule two = Rule.of("services", new Statement.AnonymousSetMatch(Field.SADDR, true,
                List.of(new Value.Prefix("203.0.113.0/25"), new Value.Addr("1.2.3.4")), false),
                new Statement.VerdictStatement(Verdict.DROP));

        NftBatch a = compiler.compile(Transaction.builder(NftFamily.IP, "t").add(one).build());
        NftBatch b = compiler.compile(Transaction.builder(NftFamily.IP, "t").add(two).build());

        assertThat(a.size()).isEqualTo(1);
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.description(0)).startsWith("add anonymous set for ip saddr != {");
        assertThat(b.description(2)).startsWith("add rule ip t services ip saddr != {");
    }

    @Test
    void aWildcardInterfaceHasNoNetlinkEncoding() {
        Rule r = Rule.of("services", new Statement.Compare(Field.IIF, true, new Value.IfName("veth*")),
                new Statement.VerdictStatement(Verdict.RETURN));

        assertThatThrownBy(() -> compiler.compile(Transaction.builder(NftFamily.IP, "t").add(r).build()))
                .isInstanceOf(UnsupportedStatementException.class).hasMessageContaining("veth*");
    }

    @Test
    void registersFollowNftForV4AndV6Concatenations() {
        assertThat(StatementCompiler.register(0)).isEqualTo(1);
        assertThat(StatementCompiler.register(1)).isEqualTo(9);
        assertThat(StatementCompiler.register(3)).isEqualTo(11);
        assertThat(StatementCompiler.register(4)).isEqualTo(2);
        assertThat(StatementCompiler.register(5)).isEqualTo(13);
    }

    @Test
    void elementKeysArePackedLikeNft() {
        Element e = Element.mapping("service-ips", List.of(new Value.Addr("172.30.0.41"), new Value.Proto(Protocol.TCP),
                new Value.Port(80)), Verdict.goTo("service-x"));
        byte[] key = TransactionCompiler.element(e, false).key();

        assertThat(java.util.HexFormat.of().formatHex(key)).isEqualTo("ac1e0029" + "06000000" + "00500000");
        NftBatch b = compiler.compile(Transaction.builder(NftFamily.IP6, "t").add(e).build());
        assertThat(NetlinkMessageParser.parse(b.messages().get(0).build(1, 0)).get(0).type())
                .isEqualTo(NftMessages.type(NfTables.NFT_MSG_NEWSETELEM));
    }
}
