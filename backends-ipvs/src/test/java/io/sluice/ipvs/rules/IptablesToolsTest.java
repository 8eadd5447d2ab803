package io.sluice.ipvs.rules;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.model.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IPVS mode runs the iptables variant the node uses (kube-proxy's IPVS proxier shares utiliptables with the iptables
 * one) and probes {@code --random-fully} (utiliptables {@code HasRandomFully}: iptables ≥ 1.6.2).
 */
class IptablesToolsTest {
    private final List<List<String>> calls = new ArrayList<>();

    /** A legacy node: KUBE- chains only in iptables-legacy-save, iptables 1.8.9 (legacy). */
    private CommandRunner legacyNode(String version) {
        return (argv, stdin, timeout) -> {
            calls.add(argv);
            String bin = argv.get(0);
            if (bin.equals("iptables-legacy-save")) {
                return new CommandRunner.CommandResult(0, "*nat\n:KUBE-MARK-MASQ - [0:0]\nCOMMIT\n", "");
            }
            if (bin.equals("iptables-nft-save")) {
                return new CommandRunner.CommandResult(0, "*nat\nCOMMIT\n", "");
            }
            if (argv.contains("--version")) {
                return new CommandRunner.CommandResult(0, "iptables " + version + " (legacy)\n", "");
            }
            return new CommandRunner.CommandResult(0, "", "");
        };
    }

    @Test
    void restoreAndJumpsUseTheDetectedVariantDetectedOnce() throws Exception {
        IptablesTools tools = IptablesTools.detecting(legacyNode("v1.8.9"));
        new ProcessIptablesRestore(tools).restore(IpFamily.IPv4, "*nat\nCOMMIT\n");
        new ProcessIptablesRestore(tools).restore(IpFamily.IPv4, "*nat\nCOMMIT\n");
        new IptablesJumps(tools).ensureAll(IpFamily.IPv4);
        assertThat(calls).filteredOn(c -> c.get(0).endsWith("-restore"))
                .allMatch(c -> c.get(0).equals("iptables-legacy-restore")).hasSize(2);
        assertThat(calls).filteredOn(c -> c.contains("-C")).allMatch(c -> c.get(0).equals("iptables-legacy"));
        assertThat(calls).filteredOn(c -> c.get(0).equals("iptables-legacy-save")).hasSize(1);
    }

    @Test
    void randomFullyFollowsTheVersionOfTheDetectedBinary() {
        assertThat(new ProcessIptablesRestore(IptablesTools.detecting(legacyNode("v1.8.9")))
                .randomFully(IpFamily.IPv4)).isTrue();
        assertThat(calls).anySatisfy(c -> assertThat(c).containsExactly("iptables-legacy", "--version"));
        assertThat(new ProcessIptablesRestore(IptablesTools.detecting(legacyNode("v1.6.1")))
                .randomFully(IpFamily.IPv4)).isFalse();
    }
}
