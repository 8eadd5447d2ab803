package io.sluice.ipvs;

import io.sluice.core.exec.CommandRunner;


/**
 * Opens the kernel-facing IPVS client and dummy link. The real classes ({@code io.sluice.ipvs.netlink}) are found by
 * name so the proxier does not depend on the netlink layer at compile time; tests pass fakes.
 */
public interface KernelIpvs {
    String NETLINK_CLIENT = "io.sluice.ipvs.netlink.NetlinkIpvsClient";
    String RTNETLINK_LINK = "io.sluice.ipvs.netlink.RtnetlinkDummyLink";

    IpvsClient openClient() throws IpvsException;

    DummyLink openDummyLink() throws IpvsException;

    /**
     * The netlink implementations, created through a public static {@code open(CommandRunner)} method (the client
     * runs {@code modprobe} with it), else {@code open()}, else a public no-arg constructor. Fails with a clear
     * {@link IpvsException} when they are not on the class path.
     */
    static KernelIpvs netlink(CommandRunner runner) {
        return new KernelIpvs() {
            @Override
            public IpvsClient openClient() throws IpvsException {
                return ReflectiveFactory.create(NETLINK_CLIENT, IpvsClient.class, runner);
            }

            @Override
            public DummyLink openDummyLink() throws IpvsException {
                return ReflectiveFactory.create(RTNETLINK_LINK, DummyLink.class, runner);
            }
        };
    }
}
