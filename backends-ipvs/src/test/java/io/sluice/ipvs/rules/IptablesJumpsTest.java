package io.sluice.ipvs.rules;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.model.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IptablesJumpsTest {

    @Test
    void missingJumpsAreInsertedPresentOnesLeftAlone() throws Exception {
        List<List<String>> calls = new ArrayList<>();
        CommandRunner runner = (argv, stdin, timeout) -> {
            calls.add(argv);
            boolean present = argv.contains("PREROUTING");
            return new CommandRunner.CommandResult(argv.get(3).equals("-C") && !present ? 1 : 0, "", "");
        };
        new IptablesJumps(runner).ensureAll(IpFamily.IPv6);

        assertThat(calls.stream().filter(c -> c.get(3).equals("-I"))).hasSize(8);
        assertThat(calls.get(0)).containsExactly("ip6tables", "-w", "5", "-C", "OUTPUT", "-t", "nat", "-m", "comment",
                "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES");
        assertThat(calls.get(1)).containsExactly("ip6tables", "-w", "5", "-I", "OUTPUT", "-t", "nat", "-m", "comment",
                "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES");
        assertThat(calls).contains(List.of("ip6tables", "-w", "5", "-I", "OUTPUT", "-t", "filter", "-m", "comment",
                "--comment", "kubernetes ipvs access filter", "-j", "KUBE-IPVS-OUT-FILTER"));
    }

    @Test
    void lockProblemsAreErrorsNotInserts() {
        CommandRunner runner = (argv, stdin, timeout) -> new CommandRunner.CommandResult(4, "", "xtables lock");
        assertThatThrownBy(() -> new IptablesJumps(runner).ensureAll(IpFamily.IPv4))
                .isInstanceOf(IptablesException.class).hasMessageContaining("xtables lock");
    }

    @Test
    void restoreUsesNoflushCountersAndStdin() throws Exception {
        List<List<String>> calls = new ArrayList<>();
        List<String> in = new ArrayList<>();
        new ProcessIptablesRestore((argv, stdin, timeout) -> {
            calls.add(argv);
            in.add(stdin);
            return new CommandRunner.CommandResult(0, "", "");
        }).restore(IpFamily.IPv4, "*nat\nCOMMIT\n");
        assertThat(calls.get(0)).containsExactly("iptables-restore", "-w", "5", "--noflush", "--counters");
        assertThat(in.get(0)).isEqualTo("*nat\nCOMMIT\n");
    }
}
