package io.sluice.iptables.exec;

import io.sluice.core.exec.IptablesVariant;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.Sysctl;
import io.sluice.core.model.IpFamily;

import java.util.List;

/**
 * Everything the iptables backend touches on the machine: the iptables tools per family, other commands
 * (conntrack, nfacct) and sysctls. The real one runs the host's tools; tests and benchmarks use fakes or a network
 * namespace ({@link #inNamespace}). Nothing is run or probed until a method is called.
 */
public interface IptablesSystem {

    /** The tools sync writes with: the variant in use on the node ({@link IptablesVariant#detect}). */
    Iptables iptables(IpFamily family);

    /** Every installed variant of a family: cleanup removes kube-proxy's rules from each. */
    List<Iptables> allVariants(IpFamily family);

    /** Runs conntrack and nfacct (already inside the right namespace). */
    CommandRunner commands();

    Sysctl sysctl();

    /** The host: detected variant, /proc/sys. */
    static IptablesSystem host(CommandRunner runner) {
        return new ProcessIptablesSystem(runner, List.of(), null, Sysctl.proc());
    }

    /**
     * Inside network namespace {@code netns}: every command runs under {@code ip netns exec netns}, sysctls go
     * through the {@code sysctl} tool there (the JVM's own /proc/sys/net belongs to its own namespace).
     *
     * @param variant the variant to write with, or null to detect it
     */
    static IptablesSystem inNamespace(CommandRunner runner, String netns, IptablesVariant variant) {
        List<String> prefix = List.of("ip", "netns", "exec", netns);
        return new ProcessIptablesSystem(runner, prefix, variant, new CommandSysctl(runner, prefix));
    }
}
