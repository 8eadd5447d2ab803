package io.sluice.iptables.exec;

import io.sluice.core.exec.CommandRunner;

import java.time.Duration;
import java.util.List;

/**
 * nfacct counters through the {@code nfacct} tool (kube-proxy uses netlink; the tool is the simple way here). Like
 * kube-proxy's {@code nfacct.Ensure} (pkg/proxy/util/nfacct): a counter is available when {@code nfacct get NAME}
 * finds it, or else when {@code nfacct add NAME} creates it or fails because it exists. The kernel answers a create
 * of an existing counter (without NLM_F_EXCL) with EBUSY, which kube-proxy maps to ErrObjectAlreadyExists; the tool
 * prints it as "Device or resource busy". A missing tool or module means unavailable, and the renderer then leaves
 * the {@code -m nfacct} matches out. Counters are per network namespace, and shared by both families.
 */
public final class Nfacct {
    /** kube-proxy's counters (pkg/proxy/metrics: iptablesCTStateInvalidDroppedNFAcctCounter, ...). */
    public static final String CT_STATE_INVALID_DROPPED = "ct_state_invalid_dropped_pkts";
    public static final String LOCALHOST_NODEPORTS_ACCEPTED = "localhost_nps_accepted_pkts";

    private Nfacct() {
    }

    /** Ensures a counter exists; false when it cannot be created. Never throws. */
    public static boolean ensure(CommandRunner runner, String name) {
        if (runner.run(List.of("nfacct", "get", name), "", Duration.ofSeconds(10)).ok()) {
            return true;
        }
        CommandRunner.CommandResult r = runner.run(List.of("nfacct", "add", name), "", Duration.ofSeconds(10));
        // Created by someone else between get and add (e.g. the other family's proxier): EBUSY, or EEXIST.
        return r.ok() || r.stderr().contains("busy") || r.stderr().contains("exists");
    }

    /**
     * The packet count of a counter ({@code nfacct get NAME} prints
     * {@code { pkts = 00000000000000000003, bytes = 00000000000000000180 } = NAME;}), or -1 when it cannot be read.
     */
    public static long packets(CommandRunner runner, String name) {
        CommandRunner.CommandResult r = runner.run(List.of("nfacct", "get", name), "", Duration.ofSeconds(5));
        if (!r.ok()) {
            return -1;
        }
        java.util.regex.Matcher m = PKTS.matcher(r.stdout());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static final java.util.regex.Pattern PKTS = java.util.regex.Pattern.compile("pkts\\s*=\\s*0*(\\d{1,19})\\b");
}
