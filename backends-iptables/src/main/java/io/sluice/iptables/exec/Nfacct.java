package io.sluice.iptables.exec;

import io.sluice.core.exec.CommandRunner;

import java.time.Duration;
import java.util.List;

/**
 * nfacct counters through the {@code nfacct} tool (kube-proxy uses netlink; the tool is the simple way here). A
 * counter is available when {@code nfacct add NAME} succeeds or says it exists; a missing tool or module means
 * unavailable, and the renderer then leaves the {@code -m nfacct} matches out.
 */
public final class Nfacct {
    /** kube-proxy's counters (pkg/proxy/metrics: iptablesCTStateInvalidDroppedNFAcctCounter, ...). */
    public static final String CT_STATE_INVALID_DROPPED = "ct_state_invalid_dropped_pkts";
    public static final String LOCALHOST_NODEPORTS_ACCEPTED = "localhost_nps_accepted_pkts";

    private Nfacct() {
    }

    /** Ensures a counter exists; false when it cannot be created. Never throws. */
    public static boolean ensure(CommandRunner runner, String name) {
        CommandRunner.CommandResult r = runner.run(List.of("nfacct", "add", name), "", Duration.ofSeconds(10));
        return r.ok() || r.stderr().contains("exists");
    }
}
