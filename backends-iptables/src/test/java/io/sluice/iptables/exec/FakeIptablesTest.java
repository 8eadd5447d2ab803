package io.sluice.iptables.exec;

import io.sluice.core.exec.IptablesVersion;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeIptablesTest {
    final FakeIptables ipt = new FakeIptables();

    @Test
    void noflushRestoreFlushesDeclaredChainsAndLeavesOthersAlone() throws Exception {
        ipt.restore("*nat\n:A - [0:0]\n:B - [0:0]\n-A A -j B\n-A B -j RETURN\nCOMMIT\n", Optional.empty());
        ipt.restore("*nat\n:A - [0:0]\n-A A -m comment --comment \"two words\" -j RETURN\nCOMMIT\n", Optional.empty());
        assertThat(ipt.rules("nat", "A")).hasValue(List.of("-m comment --comment \"two words\" -j RETURN"));
        assertThat(ipt.rules("nat", "B")).hasValue(List.of("-j RETURN"));
        assertThat(ipt.save("nat")).contains(":B - [0:0]\n", "-A B -j RETURN\n", ":PREROUTING ACCEPT [0:0]\n");
    }

    @Test
    void aPayloadDeletingAReferencedChainIsRejectedWhole() throws Exception {
        ipt.restore("*nat\n:A - [0:0]\n:B - [0:0]\n-A A -j B\nCOMMIT\n", Optional.empty());
        String before = ipt.save("nat") + ipt.save("filter");
        assertThatThrownBy(() -> ipt.restore("*filter\n:F - [0:0]\nCOMMIT\n*nat\n:C - [0:0]\n:B - [0:0]\n-X B\nCOMMIT\n",
                Optional.empty())).isInstanceOf(IptablesException.class).hasMessageContaining("-X B");
        assertThat(ipt.save("nat") + ipt.save("filter")).isEqualTo(before);
    }

    @Test
    void aJumpToAnUndeclaredChainIsRejected() {
        assertThatThrownBy(() -> ipt.restore("*nat\n:A - [0:0]\n-A A -j KUBE-MISSING\nCOMMIT\n", Optional.empty()))
                .isInstanceOf(IptablesException.class).hasMessageContaining("KUBE-MISSING");
        assertThat(ipt.rules("nat", "A")).isEmpty();
    }

    @Test
    void ensureRulePrependsOnceAndOperationsFollowExitStatusConventions() throws Exception {
        ipt.ensureChain("filter", "X");
        ipt.injectRule("filter", "INPUT", "-j ACCEPT");
        List<String> args = List.of("-m", "comment", "--comment", "a b", "-j", "X");
        assertThat(ipt.ensureRulePrepended("filter", "INPUT", args)).isFalse();
        assertThat(ipt.ensureRulePrepended("filter", "INPUT", args)).isTrue();
        assertThat(ipt.rules("filter", "INPUT")).hasValue(List.of("-m comment --comment \"a b\" -j X", "-j ACCEPT"));
        assertThat(ipt.listChain("filter", "NOPE")).isEmpty();
        assertThat(ipt.deleteRule("filter", "INPUT", args)).isTrue();
        assertThat(ipt.deleteRule("filter", "INPUT", args)).isFalse();
        ipt.deleteChain("filter", "X");
        ipt.deleteChain("filter", "X");
        assertThat(ipt.chains("filter")).containsExactly("INPUT", "FORWARD", "OUTPUT");
    }

    @Test
    void ruleTextRoundTrips() {
        List<String> words = List.of("-m", "comment", "--comment", "ns1/svc1:p80 cluster IP", "-j", "KUBE-SVC-X");
        assertThat(RuleText.split(RuleText.join(words))).isEqualTo(words);
        assertThat(RuleText.target(words)).isEqualTo("KUBE-SVC-X");
        assertThat(IptablesVersion.parse("iptables v1.8.9 (nf_tables)")).hasValue(new IptablesVersion(1, 8, 9, "nf_tables"));
        assertThat(new IptablesVersion(1, 6, 1, "").atLeast(IptablesVersion.RANDOM_FULLY_MIN)).isFalse();
    }
}
