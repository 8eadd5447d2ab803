package io.sluice.ipvs.ipset;

import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The ipset operations the IPVS proxier needs. Real implementation: {@link ProcessIpset} (the {@code ipset} CLI,
 * argument vectors only); tests use {@code FakeIpset}.
 *
 * <p>Not thread-safe: the sync thread owns it.
 */
public interface Ipset {

    /**
     * Every set on the host with its entries, as {@code ipset save} prints them. Entries of {@code hash:ip,port,net}
     * sets are normalised to carry an explicit prefix length ({@code /32}, {@code /128}), which ipset omits for host
     * networks, so they compare equal to what {@link IpsetEntries} builds.
     */
    SortedMap<String, SortedSet<String>> listAll() throws IpsetException;

    /**
     * The names of every set on the host, without their entries (a cheap presence check: {@code ipset list -n}).
     * Default: the keys of {@link #listAll()}.
     */
    default SortedSet<String> names() throws IpsetException {
        return new java.util.TreeSet<>(listAll().keySet());
    }

    /**
     * Applies a payload in {@code ipset restore} syntax ({@code create}/{@code add}/{@code del}/{@code destroy} lines)
     * with {@code -exist}, so re-creating an identical set, re-adding an entry or deleting a missing entry is not an
     * error. Callers validate every line before building the payload.
     */
    void restore(String payload) throws IpsetException;
}
