package io.sluice.nftables.model;

import io.sluice.core.model.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The text of each operation, exactly as knftables writes it, and the validation that keeps input out of nft syntax. */
class NftTextTest {
    private static String line(Verb verb, NftObject o) {
        return NftText.line(NftFamily.IP, "kube-proxy", new Operation(verb, o));
    }

    @Test
    void everyObjectAndVerbHasKnftablesText() {
        assertThat(line(Verb.ADD, new Table("rules for kube-proxy")))
                .isEqualTo("add table ip kube-proxy { comment \"rules for kube-proxy\" ; }");
        assertThat(line(Verb.DELETE, new Table("x"))).isEqualTo("delete table ip kube-proxy");
        assertThat(line(Verb.ADD, new Chain("nat-output", new Chain.Base(Chain.Type.NAT, Chain.Hook.OUTPUT, -100), null)))
                .isEqualTo("add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }");
        assertThat(line(Verb.CREATE, new Chain("reject-chain", null, "helper")))
                .isEqualTo("create chain ip kube-proxy reject-chain { comment \"helper\" ; }");
        assertThat(line(Verb.FLUSH, Chain.regular("services"))).isEqualTo("flush chain ip kube-proxy services");
        assertThat(line(Verb.DESTROY, Chain.regular("services"))).isEqualTo("destroy chain ip kube-proxy services");
        assertThat(line(Verb.ADD, new NftSet("affinity-X", List.of(DataType.IPV4_ADDR), null,
                Set.of(NftSet.Flag.TIMEOUT, NftSet.Flag.DYNAMIC), Duration.ofHours(3), null)))
                .isEqualTo("add set ip kube-proxy affinity-X { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }");
        assertThat(line(Verb.ADD, NftSet.verdictMap("m", List.of(DataType.INET_PROTO, DataType.INET_SERVICE), "c")))
                .isEqualTo("add map ip kube-proxy m { type inet_proto . inet_service : verdict ; comment \"c\" ; }");
        assertThat(line(Verb.FLUSH, NftSet.verdictMap("m", List.of(DataType.INET_PROTO), null)))
                .isEqualTo("flush map ip kube-proxy m");
        Element e = new Element("no-endpoint-services", List.of(new Value.Addr("10.0.0.1"), new Value.Proto(Protocol.TCP),
                new Value.Port(80)), "ns/svc:p", Verdict.DROP);
        assertThat(line(Verb.ADD, e))
                .isEqualTo("add element ip kube-proxy no-endpoint-services { 10.0.0.1 . tcp . 80 comment \"ns/svc:p\" : drop }");
        assertThat(line(Verb.DELETE, e)).isEqualTo("delete element ip kube-proxy no-endpoint-services { 10.0.0.1 . tcp . 80 }");
        assertThat(line(Verb.ADD, new Rule("c", List.of(new Statement.CtMatch(Statement.CtCondition.STATE_NEW),
                new Statement.VerdictStatement(Verdict.jump("d"))), "why")))
                .isEqualTo("add rule ip kube-proxy c ct state new jump d comment \"why\"");
    }

    @Test
    void ipv6StatementsUseIp6() {
        Rule r = Rule.of("c", new Statement.Compare(Field.DADDR, true, Value.addrOrPrefix(NftFamily.IP6.loopback())),
                new Statement.DnatNumgenMap(List.of(IpPort.of("fd00::1", 80), IpPort.of("fd00::2", 80))));
        assertThat(r.text(NftFamily.IP6))
                .isEqualTo("ip6 daddr != ::1 dnat ip6 addr . port to numgen random mod 2 map { 0 : fd00::1 . 80 , 1 : fd00::2 . 80 }");
        assertThat(new Statement.DnatTo(IpPort.of("fd00::1", 8080)).text(NftFamily.IP6)).isEqualTo("dnat to [fd00::1]:8080");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "x\"y", "a;b", "a{b", "@set", "1abc", "é", "a\nb"})
    void namesThatAreNotOneNftIdentifierAreRejected(String name) {
        assertThatThrownBy(() -> Chain.regular(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Verdict.goTo(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"say \"hi\"", "back\\slash", "new\nline", "tab\there", "é"})
    void commentsNftCannotQuoteAreRejected(String comment) {
        assertThatThrownBy(() -> new Table(comment)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commentsAreCutTo128Bytes() {
        assertThat(new Table("x".repeat(200)).comment()).hasSize(128);
    }

    @Test
    void valuesMustBeCanonical() {
        assertThatThrownBy(() -> new Value.Addr("10.0.0.01")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Value.Addr("10.0.0.1 } ; flush ruleset")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Value.Prefix("10.0.0.1/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Value.Port(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Value.IfName("eth0 accept")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Mark("16384")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Operation(Verb.DELETE, Rule.of("c", new Statement.Reject())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Mark.ofBit(14).text()).isEqualTo("0x00004000");
    }
}
