package io.sluice.ipvs.rules;

import io.sluice.core.model.IpFamily;

/**
 * Applies one {@code iptables-restore --noflush --counters} payload (all tables in one transaction). Real
 * implementation: {@link ProcessIptablesRestore}; tests use a recording fake. Not thread-safe.
 */
public interface IptablesRestore {
    void restore(IpFamily family, String payload) throws IptablesException;
}
