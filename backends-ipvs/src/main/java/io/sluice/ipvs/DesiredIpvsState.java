package io.sluice.ipvs;

import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.ipvs.ipset.IpsetSpec;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The complete IPVS-mode state of one family that a sync brings the kernel to. Immutable, sorted, deterministic.
 *
 * @param virtualServers every virtual server with its real servers (weight 1, sorted), by key
 * @param bindAddresses  addresses kube-ipvs0 must carry (cluster IPs, external/LB IPs not local elsewhere)
 * @param ipsets         every kube-proxy set of this family, in upstream order, with its sorted entries
 * @param iptables       the {@code iptables-restore --noflush --counters} payload
 * @param noLocalEndpointsInternal services with iTP=Local, some endpoints, and none local
 * @param noLocalEndpointsExternal services with eTP=Local, some endpoints, and none local
 */
public record DesiredIpvsState(IpFamily family,
                               SortedMap<VirtualServer.Key, DesiredVirtualServer> virtualServers,
                               SortedSet<String> bindAddresses,
                               List<DesiredIpset> ipsets,
                               String iptables,
                               int noLocalEndpointsInternal,
                               int noLocalEndpointsExternal) {

    public DesiredIpvsState {
        virtualServers = Collections.unmodifiableSortedMap(new TreeMap<>(virtualServers));
        bindAddresses = Collections.unmodifiableSortedSet(new TreeSet<>(bindAddresses));
        ipsets = List.copyOf(ipsets);
    }

    /** A virtual server, its real servers and the service it belongs to. */
    public record DesiredVirtualServer(VirtualServer virtualServer, List<RealServer> realServers,
                                       NamespacedName service) {
        public DesiredVirtualServer {
            realServers = List.copyOf(new TreeSet<>(realServers));
        }
    }

    /** One ipset with the entries it must hold. */
    public record DesiredIpset(IpsetSpec spec, SortedSet<String> entries) {
        public DesiredIpset {
            entries = Collections.unmodifiableSortedSet(new TreeSet<>(entries));
        }
    }
}
