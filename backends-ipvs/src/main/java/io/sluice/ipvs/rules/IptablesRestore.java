package io.sluice.ipvs.rules;

import io.sluice.core.model.IpFamily;

/**
 * Applies one {@code iptables-restore --noflush --counters} payload (all tables in one transaction). Real
 * implementation: {@link ProcessIptablesRestore}; tests use a recording fake. Not thread-safe.
 */
public interface IptablesRestore {
    void restore(IpFamily family, String payload) throws IptablesException;

    /**
     * Whether MASQUERADE may use {@code --random-fully} (kube-proxy's {@code HasRandomFully}); null when this
     * implementation cannot tell (fakes), and the backend keeps its configured assumption.
     */
    default Boolean randomFully(IpFamily family) {
        return null;
    }
}
