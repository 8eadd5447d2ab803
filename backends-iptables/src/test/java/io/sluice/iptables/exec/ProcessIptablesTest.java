package io.sluice.iptables.exec;

import io.sluice.core.exec.IptablesVariant;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.model.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessIptablesTest {
    final List<List<String>> calls = new ArrayList<>();
    final List<String> stdins = new ArrayList<>();

    CommandRunner answering(Map<String, CommandRunner.CommandResult> byOp, String version) {
        return (argv, stdin, timeout) -> {
            calls.add(argv);
            stdins.add(stdin);
            if (argv.contains("--version")) {
                return new CommandRunner.CommandResult(0, version, "");
            }
            for (Map.Entry<String, CommandRunner.CommandResult> e : byOp.entrySet()) {
                if (argv.contains(e.getKey())) {
                    return e.getValue();
                }
            }
            return new CommandRunner.CommandResult(0, "", "");
        };
    }

    @Test
    void restoreUsesArgvWaitFlagsAndStdin() throws Exception {
        ProcessIptables ipt = new ProcessIptables(answering(Map.of(), "iptables v1.8.9 (legacy)"), IpFamily.IPv6,
                IptablesVariant.LEGACY, List.of("ip", "netns", "exec", "slap-x"));
        ipt.restore("*nat\nCOMMIT\n", Optional.of("nat"));
        assertThat(calls.get(calls.size() - 1)).containsExactly("ip", "netns", "exec", "slap-x",
                "ip6tables-legacy-restore", "-T", "nat", "-w", "5", "-W", "100000", "--noflush", "--counters");
        assertThat(stdins.get(stdins.size() - 1)).isEqualTo("*nat\nCOMMIT\n");
    }

    @Test
    void oldVersionsGetPlainWaitFlag() throws Exception {
        ProcessIptables ipt = new ProcessIptables(answering(Map.of(), "iptables v1.6.1"), IpFamily.IPv4,
                IptablesVariant.NFT);
        ipt.insertRule("nat", "OUTPUT", List.of("-m", "comment", "--comment", "a b", "-j", "KUBE-SERVICES"));
        assertThat(calls.get(calls.size() - 1)).containsExactly("iptables-nft", "-w", "-I", "OUTPUT", "-t", "nat",
                "-m", "comment", "--comment", "a b", "-j", "KUBE-SERVICES");
    }

    @Test
    void exitStatusOneMeansMissingAndFourIsAResourceProblem() throws Exception {
        ProcessIptables missing = new ProcessIptables(answering(Map.of("-C", new CommandRunner.CommandResult(1, "", ""),
                "-S", new CommandRunner.CommandResult(1, "", "No chain")), "iptables v1.8.9"), IpFamily.IPv4,
                IptablesVariant.NFT);
        assertThat(missing.checkRule("nat", "OUTPUT", List.of("-j", "X"))).isFalse();
        assertThat(missing.listChain("mangle", "KUBE-PROXY-CANARY")).isEmpty();

        ProcessIptables locked = new ProcessIptables(answering(Map.of("-S", new CommandRunner.CommandResult(4, "",
                "Another app is currently holding the xtables lock")), "iptables v1.8.9"), IpFamily.IPv4,
                IptablesVariant.NFT);
        assertThatThrownBy(() -> locked.listChain("mangle", "KUBE-PROXY-CANARY"))
                .isInstanceOfSatisfying(IptablesException.class, e -> assertThat(e.isResourceProblem()).isTrue());
    }

    @Test
    void variantDetectionPrefersTheVariantThatHoldsKubeRules() {
        CommandRunner r = (argv, stdin, timeout) -> switch (argv.get(0)) {
            case "iptables-legacy-save" -> new CommandRunner.CommandResult(0, "*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n", "");
            case "iptables-nft-save" -> new CommandRunner.CommandResult(0, "*nat\nCOMMIT\n", "");
            default -> new CommandRunner.CommandResult(0, "iptables v1.8.9 (nf_tables)", "");
        };
        assertThat(IptablesVariant.detect(r, IpFamily.IPv4)).isEqualTo(IptablesVariant.LEGACY);
        CommandRunner none = (argv, stdin, timeout) -> argv.get(0).endsWith("-save")
                ? new CommandRunner.CommandResult(0, "", "")
                : new CommandRunner.CommandResult(0, "iptables v1.8.9 (legacy)", "");
        assertThat(IptablesVariant.detect(none, IpFamily.IPv4)).isEqualTo(IptablesVariant.LEGACY);
        CommandRunner nft = (argv, stdin, timeout) -> new CommandRunner.CommandResult(0,
                argv.get(0).endsWith("-save") ? "" : "iptables v1.8.9 (nf_tables)", "");
        assertThat(IptablesVariant.detect(nft, IpFamily.IPv4)).isEqualTo(IptablesVariant.NFT);
    }
}
