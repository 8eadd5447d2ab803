package io.sluice.ipvs;

import io.sluice.core.exec.CommandRunner;

/** A class shaped like the netlink implementations, for {@link KernelIpvsTest}. */
public final class StubOpenable extends FakeDummyLinkBase {
    static CommandRunner seen;

    public static StubOpenable open(CommandRunner runner) {
        seen = runner;
        return new StubOpenable();
    }
}
