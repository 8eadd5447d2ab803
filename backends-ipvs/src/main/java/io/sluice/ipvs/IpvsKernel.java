package io.sluice.ipvs;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.Sysctl;
import io.sluice.ipvs.ipset.Ipset;
import io.sluice.ipvs.ipset.ProcessIpset;
import io.sluice.ipvs.rules.IptablesJumps;
import io.sluice.ipvs.rules.IptablesRestore;
import io.sluice.ipvs.rules.ProcessIptablesRestore;

import java.util.Objects;

/**
 * Everything the IPVS backend touches on the machine, behind interfaces with in-memory fakes for tests.
 *
 * @param jumps runs {@code iptables -C/-I/-D} for the jump rules (tests give it a recording {@link CommandRunner})
 */
public record IpvsKernel(IpvsClient ipvs, DummyLink link, Ipset ipset, IptablesRestore iptables,
                         IptablesJumps jumps, Sysctl sysctl, LocalAddresses localAddresses) {
    public IpvsKernel {
        Objects.requireNonNull(ipvs, "ipvs");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(ipset, "ipset");
        Objects.requireNonNull(iptables, "iptables");
        Objects.requireNonNull(jumps, "jumps");
        Objects.requireNonNull(sysctl, "sysctl");
        Objects.requireNonNull(localAddresses, "localAddresses");
    }

    /** Opens a kernel handle; called once, on the first sync or cleanup (dumps never call it). */
    @FunctionalInterface
    public interface Opener {
        IpvsKernel open() throws IpvsException;
    }

    /** The real machine: netlink IPVS and link (found by name), the ipset/iptables CLIs, /proc/sys. */
    public static Opener real(KernelIpvs netlink, CommandRunner runner) {
        return () -> new IpvsKernel(netlink.openClient(), netlink.openDummyLink(), new ProcessIpset(runner),
                new ProcessIptablesRestore(runner), new IptablesJumps(runner), Sysctl.proc(), LocalAddresses.system());
    }
}
