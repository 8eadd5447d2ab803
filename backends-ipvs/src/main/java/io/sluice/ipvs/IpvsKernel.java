package io.sluice.ipvs;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.Sysctl;
import io.sluice.ipvs.ipset.Ipset;
import io.sluice.ipvs.ipset.ProcessIpset;
import io.sluice.ipvs.rules.IptablesJumps;
import io.sluice.ipvs.rules.IptablesRestore;
import io.sluice.ipvs.rules.IptablesTools;
import io.sluice.ipvs.rules.ProcessIptablesRestore;

import java.util.Objects;

/**
 * Everything the IPVS backend touches on the machine, behind interfaces with in-memory fakes for tests.
 *
 * @param jumps     runs {@code iptables -C/-I/-D} for the jump rules (tests give it a recording {@link CommandRunner})
 * @param conntrack runs the {@code conntrack} tool that clears stale UDP entries after a sync
 */
public record IpvsKernel(IpvsClient ipvs, DummyLink link, Ipset ipset, IptablesRestore iptables,
                         IptablesJumps jumps, Sysctl sysctl, LocalAddresses localAddresses, CommandRunner conntrack) {
    public IpvsKernel {
        Objects.requireNonNull(ipvs, "ipvs");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(ipset, "ipset");
        Objects.requireNonNull(iptables, "iptables");
        Objects.requireNonNull(jumps, "jumps");
        Objects.requireNonNull(sysctl, "sysctl");
        Objects.requireNonNull(localAddresses, "localAddresses");
        Objects.requireNonNull(conntrack, "conntrack");
    }

    /** A kernel whose conntrack tool always succeeds and is not recorded (tests that do not look at conntrack). */
    public IpvsKernel(IpvsClient ipvs, DummyLink link, Ipset ipset, IptablesRestore iptables, IptablesJumps jumps,
                      Sysctl sysctl, LocalAddresses localAddresses) {
        this(ipvs, link, ipset, iptables, jumps, sysctl, localAddresses,
                (argv, stdin, timeout) -> new CommandRunner.CommandResult(0, "", ""));
    }

    /** Opens a kernel handle; called once, on the first sync or cleanup (dumps never call it). */
    @FunctionalInterface
    public interface Opener {
        IpvsKernel open() throws IpvsException;

        /**
         * For cleanup: like {@link #open()}, but a host without IPVS still gets its link, ipsets and rules removed
         * (kube-proxy's cleanup skips IPVS when it has no handle). Defaults to {@link #open()}.
         */
        default IpvsKernel openForCleanup() throws IpvsException {
            return open();
        }
    }

    /** The real machine: netlink IPVS and link (found by name), the ipset/iptables CLIs, /proc/sys. */
    public static Opener real(KernelIpvs netlink, CommandRunner runner) {
        return new Opener() {
            @Override
            public IpvsKernel open() throws IpvsException {
                return with(netlink.openClient());
            }

            @Override
            public IpvsKernel openForCleanup() throws IpvsException {
                IpvsClient client;
                try {
                    client = netlink.openClient();
                } catch (IpvsException e) {
                    client = NoIpvs.INSTANCE;
                }
                return with(client);
            }

            private IpvsKernel with(IpvsClient client) throws IpvsException {
                DummyLink link = netlink.openDummyLink();
                IptablesTools tools = IptablesTools.detecting(runner);
                return new IpvsKernel(client, link, new ProcessIpset(runner),
                        new ProcessIptablesRestore(tools), new IptablesJumps(tools), Sysctl.proc(),
                        LocalAddresses.through(link), runner);
            }
        };
    }

    /** A host without IPVS, for cleanup only: no virtual servers; any change is refused. */
    enum NoIpvs implements IpvsClient {
        INSTANCE;

        @Override
        public java.util.List<VirtualServer> virtualServers() {
            return java.util.List.of();
        }

        @Override
        public void addVirtualServer(VirtualServer vs) throws IpvsException {
            throw unavailable("add-virtual-server", vs.toString());
        }

        @Override
        public void updateVirtualServer(VirtualServer vs) throws IpvsException {
            throw unavailable("update-virtual-server", vs.toString());
        }

        @Override
        public void deleteVirtualServer(VirtualServer.Key vs) throws IpvsException {
            throw unavailable("delete-virtual-server", vs.toString());
        }

        @Override
        public java.util.List<RealServer> realServers(VirtualServer.Key vs) throws IpvsException {
            throw unavailable("list-real-servers", vs.toString());
        }

        @Override
        public void addRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException {
            throw unavailable("add-real-server", vs.toString());
        }

        @Override
        public void updateRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException {
            throw unavailable("update-real-server", vs.toString());
        }

        @Override
        public void deleteRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException {
            throw unavailable("delete-real-server", vs.toString());
        }

        @Override
        public void setTimeouts(int tcp, int tcpFin, int udp) throws IpvsException {
            throw unavailable("set-timeouts", "config");
        }

        private static IpvsException unavailable(String op, String object) {
            return new IpvsException(op, object, 0, "IPVS is not available on this host");
        }
    }
}
