package io.sluice.core.backend;

/**
 * Kernel and tool capabilities that change the rendered rules. {@code null} means "probe the machine"; dumps never
 * probe, and use {@link #DUMP_DEFAULTS} unless the user overrides a value ({@code --assume-nfacct},
 * {@code --assume-random-fully}).
 *
 * @param nfacct      nfacct counters {@code ct_state_invalid_dropped_pkts} and {@code localhost_nps_accepted_pkts} exist
 * @param randomFully iptables ≥ 1.6.2 (MASQUERADE gets {@code --random-fully})
 */
public record KernelAssumptions(Boolean nfacct, Boolean randomFully) {
    public static final KernelAssumptions PROBE = new KernelAssumptions(null, null);
    /** A current Debian/Ubuntu node: iptables 1.8 with --random-fully, nfnetlink_acct available. */
    public static final KernelAssumptions DUMP_DEFAULTS = new KernelAssumptions(true, true);
    /** upstream's fake iptables: both nfacct counters, no --random-fully (the conformance vectors). */
    public static final KernelAssumptions UPSTREAM_TESTS = new KernelAssumptions(true, false);

    public KernelAssumptions orDefaults(KernelAssumptions defaults) {
        return new KernelAssumptions(nfacct != null ? nfacct : defaults.nfacct,
                randomFully != null ? randomFully : defaults.randomFully);
    }
}
