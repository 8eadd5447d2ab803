package io.sluice.iptables;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which UDP conntrack entries a sync makes stale (kube-proxy {@code conntrack.CleanStaleEntries}): UDP has no
 * connection teardown, so an entry DNATed to a removed endpoint, or one that blackholed traffic while a service had no
 * endpoints, would keep matching packets. Pure: compares two snapshots for one family and returns the
 * {@code conntrack} argument vectors to run, in a deterministic order without duplicates.
 *
 * <ul>
 *   <li>an endpoint of a UDP service port went away: {@code -D -p udp --orig-dst VIP --orig-port-dst PORT --dst-nat EP}
 *       per service IP (cluster, external, load-balancer) and {@code -D -p udp --orig-port-dst NODEPORT --dst-nat EP};</li>
 *   <li>a UDP service port got its first endpoint, or went away: {@code -D -p udp --orig-dst VIP --orig-port-dst PORT}
 *       per service IP and {@code -D -p udp --orig-port-dst NODEPORT}.</li>
 * </ul>
 */
public final class UdpConntrackCleanup {
    private UdpConntrackCleanup() {
    }

    public static List<List<String>> staleEntries(ProxySnapshot before, ProxySnapshot after, IpFamily family) {
        Set<List<String>> out = new LinkedHashSet<>();
        if (before == null) {
            return List.of();
        }
        for (Map.Entry<ServicePortName, ServicePort> e : before.services().entrySet()) {
            if (e.getKey().protocol() != Protocol.UDP) {
                continue;
            }
            ServicePort old = e.getValue().forFamily(family);
            ServicePort now = after.services().get(e.getKey());
            List<String> oldEps = readyIps(before.endpointsOf(e.getKey()), family);
            if (now == null) {
                // The service port is gone: anything still aimed at its addresses is stale.
                addServiceWide(out, family, old);
                continue;
            }
            List<String> newEps = readyIps(after.endpointsOf(e.getKey()), family);
            for (String ep : oldEps) {
                if (!newEps.contains(ep)) {
                    for (String vip : serviceIps(old)) {
                        out.add(args(family, vip, old.port(), ep));
                    }
                    if (old.nodePort() != 0) {
                        out.add(args(family, null, old.nodePort(), ep));
                    }
                }
            }
        }
        for (Map.Entry<ServicePortName, ServicePort> e : after.services().entrySet()) {
            if (e.getKey().protocol() != Protocol.UDP) {
                continue;
            }
            boolean hadEndpoints = before.services().containsKey(e.getKey())
                    && !readyIps(before.endpointsOf(e.getKey()), family).isEmpty();
            boolean hasEndpoints = !readyIps(after.endpointsOf(e.getKey()), family).isEmpty();
            if (!hadEndpoints && hasEndpoints) {
                addServiceWide(out, family, e.getValue().forFamily(family));
            }
        }
        return List.copyOf(out);
    }

    private static void addServiceWide(Set<List<String>> out, IpFamily family, ServicePort sp) {
        for (String vip : serviceIps(sp)) {
            out.add(args(family, vip, sp.port(), null));
        }
        if (sp.nodePort() != 0) {
            out.add(args(family, null, sp.nodePort(), null));
        }
    }

    private static List<String> serviceIps(ServicePort sp) {
        List<String> ips = new ArrayList<>(sp.clusterIPs());
        ips.addAll(sp.externalIPs());
        ips.addAll(sp.loadBalancerIPs());
        return ips;
    }

    private static List<String> readyIps(List<Endpoint> eps, IpFamily family) {
        return eps.stream().filter(ep -> ep.family() == family && (ep.ready() || ep.serving()))
                .map(Endpoint::ip).distinct().toList();
    }

    private static List<String> args(IpFamily family, String vip, int port, String dstNat) {
        List<String> a = new ArrayList<>(List.of("-D"));
        if (family == IpFamily.IPv6) {
            a.addAll(List.of("-f", "ipv6"));
        }
        a.addAll(List.of("-p", "udp"));
        if (vip != null) {
            a.addAll(List.of("--orig-dst", vip));
        }
        a.addAll(List.of("--orig-port-dst", Integer.toString(port)));
        if (dstNat != null) {
            a.addAll(List.of("--dst-nat", dstNat));
        }
        return List.copyOf(a);
    }
}
