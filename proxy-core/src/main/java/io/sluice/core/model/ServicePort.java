package io.sluice.core.model;

import java.util.List;
import java.util.Objects;

/**
 * Everything a proxier reads about one Service port (kube-proxy's {@code BaseServicePortInfo}), already validated and
 * canonicalised by the source layer: addresses are canonical literals, source ranges are canonical network CIDRs.
 *
 * <p>Lists keep the order of the Service spec (kube-proxy writes rules in that order). A {@code ServicePort} may carry
 * addresses of both families; backends render one family at a time through {@link #forFamily(IpFamily)}.
 *
 * @param name                     identity of the port
 * @param type                     the Service type
 * @param clusterIPs               cluster IPs, at most one per family
 * @param port                     the service port
 * @param nodePort                 allocated node port, 0 when none
 * @param externalIPs              {@code spec.externalIPs}
 * @param loadBalancerIPs          {@code status.loadBalancer.ingress[].ip}, without {@code ipMode: Proxy} entries
 * @param loadBalancerSourceRanges trimmed, canonical CIDRs
 * @param externalTrafficPolicy    Local only when the Service is externally accessible (API semantics)
 * @param internalTrafficPolicy    iTP
 * @param affinity                 ClientIP affinity or {@link SessionAffinity#NONE}
 * @param healthCheckNodePort      non-zero only for LoadBalancer services with eTP=Local
 * @param trafficDistribution      {@code spec.trafficDistribution}, or "" when unset
 */
public record ServicePort(
        ServicePortName name,
        ServiceType type,
        List<String> clusterIPs,
        int port,
        int nodePort,
        List<String> externalIPs,
        List<String> loadBalancerIPs,
        List<String> loadBalancerSourceRanges,
        TrafficPolicy externalTrafficPolicy,
        TrafficPolicy internalTrafficPolicy,
        SessionAffinity affinity,
        int healthCheckNodePort,
        String trafficDistribution) {

    public ServicePort {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        clusterIPs = List.copyOf(clusterIPs);
        externalIPs = List.copyOf(externalIPs);
        loadBalancerIPs = List.copyOf(loadBalancerIPs);
        loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
        Objects.requireNonNull(externalTrafficPolicy, "externalTrafficPolicy");
        Objects.requireNonNull(internalTrafficPolicy, "internalTrafficPolicy");
        affinity = affinity == null ? SessionAffinity.NONE : affinity;
        trafficDistribution = trafficDistribution == null ? "" : trafficDistribution;
    }

    /** The cluster IP of a family, or null when the service has none in that family. */
    public String clusterIP(IpFamily family) {
        for (String ip : clusterIPs) {
            if (IpFamily.of(ip) == family) {
                return ip;
            }
        }
        return null;
    }

    /** A view holding only the addresses and ranges of one family (kube-proxy builds one proxier per family). */
    public ServicePort forFamily(IpFamily family) {
        return new ServicePort(name, type,
                clusterIPs.stream().filter(ip -> IpFamily.of(ip) == family).toList(),
                port, nodePort,
                externalIPs.stream().filter(ip -> IpFamily.of(ip) == family).toList(),
                loadBalancerIPs.stream().filter(ip -> IpFamily.of(ip) == family).toList(),
                loadBalancerSourceRanges.stream().filter(c -> IpFamily.of(c) == family).toList(),
                externalTrafficPolicy, internalTrafficPolicy, affinity, healthCheckNodePort, trafficDistribution);
    }

    /** kube-proxy's {@code ServicePort.ExternallyAccessible()}: node port, LB IPs or external IPs. */
    public boolean externallyAccessible() {
        return nodePort != 0 || !loadBalancerIPs.isEmpty() || !externalIPs.isEmpty();
    }

    public boolean externalPolicyLocal() {
        return externalTrafficPolicy == TrafficPolicy.Local;
    }

    public boolean internalPolicyLocal() {
        return internalTrafficPolicy == TrafficPolicy.Local;
    }

    /** kube-proxy: {@code !InternalPolicyLocal() || ExternallyAccessible()}. */
    public boolean usesClusterEndpoints() {
        return !internalPolicyLocal() || externallyAccessible();
    }

    /** kube-proxy: {@code InternalPolicyLocal() || (ExternalPolicyLocal() && ExternallyAccessible())}. */
    public boolean usesLocalEndpoints() {
        return internalPolicyLocal() || (externalPolicyLocal() && externallyAccessible());
    }
}
