package io.sluice.ipvs;

import io.sluice.core.model.IpFamily;

import java.util.EnumMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the reconciler believes the kernel holds: read from the kernel on a full resync, then kept up to date with
 * every operation that succeeded. Mutable; owned by the sync thread.
 */
final class ObservedState {
    boolean linkExists;
    final TreeMap<VirtualServer.Key, VirtualServer> virtualServers = new TreeMap<>();
    final TreeMap<VirtualServer.Key, TreeMap<String, RealServer>> realServers = new TreeMap<>();
    final TreeSet<String> bound = new TreeSet<>();
    /** Our ipsets only (by kernel name) with their entries. */
    final TreeMap<String, SortedSet<String>> ipsets = new TreeMap<>();
    /** The last iptables payload restored successfully, per family. */
    final Map<IpFamily, String> iptables = new EnumMap<>(IpFamily.class);

    static ObservedState empty() {
        return new ObservedState();
    }

    static String rsKey(RealServer rs) {
        return rs.toString();
    }

    TreeMap<String, RealServer> realServersOf(VirtualServer.Key k) {
        return realServers.computeIfAbsent(k, x -> new TreeMap<>());
    }
}
