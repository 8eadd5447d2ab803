package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServiceObject;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * fabric8 {@link Service} → {@link ServiceObject}, with kube-proxy's semantics ({@code pkg/proxy/serviceport.go}
 * {@code newBaseServiceInfo}, {@code servicechangetracker.go}).
 *
 * <p>A Service kube-proxy ignores (no cluster IP, "None", ExternalName, the headless label, another proxy's label)
 * and a Service that fails validation both come out with <em>no ports</em>, which removes any earlier state of it.
 * Failed validation is also reported (one WARN line, {@link InvalidObjectListener}). Stateless and thread-safe.
 */
public final class ServiceConverter {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceConverter.class);
    static final String KIND = "Service";
    /** The API's bounds for {@code sessionAffinityConfig.clientIP.timeoutSeconds}. */
    private static final int MAX_AFFINITY_TIMEOUT = 86400;
    private static final Pattern TRAFFIC_DISTRIBUTION = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,62}");

    private final ProxyNameSelector selector;
    private final InvalidObjectReporter reporter;

    public ServiceConverter(ProxyNameSelector selector, InvalidObjectListener listener) {
        this.selector = selector;
        this.reporter = new InvalidObjectReporter(listener);
    }

    /** The identity a Service is delivered under ({@code metadata.namespace} defaults to "default"), or empty. */
    static Optional<NamespacedName> identity(ObjectMeta meta) {
        if (meta == null || meta.getName() == null) {
            return Optional.empty();
        }
        String ns = meta.getNamespace() == null || meta.getNamespace().isEmpty() ? "default" : meta.getNamespace();
        return Optional.of(new NamespacedName(ns, meta.getName()));
    }

    /**
     * Converts one Service. Empty only when the object has no name at all (then there is nothing to deliver);
     * otherwise the result is the Service's ports, or no ports when it is ignored or rejected.
     */
    public Optional<ServiceObject> convert(Service svc) {
        Optional<NamespacedName> id = identity(svc == null ? null : svc.getMetadata());
        if (id.isEmpty()) {
            reporter.report(KIND, "<unnamed>", "invalid-name", "metadata.name is missing");
            return Optional.empty();
        }
        NamespacedName name = id.get();
        ServiceObject absent = new ServiceObject(name, List.of());
        if (!selector.matches(svc.getMetadata().getLabels())) {
            LOG.debug("Ignoring Service {}: labels do not match {}", printable(name), selector);
            return Optional.of(absent);
        }
        if (!KubeNames.isDns1123Label(name.namespace()) || !KubeNames.isDns1123Label(name.name())) {
            reporter.report(KIND, printable(name), "invalid-name", "namespace or name is not a DNS-1123 label");
            return Optional.of(absent);
        }
        ServiceSpec spec = svc.getSpec();
        if (spec == null || ignored(spec)) {
            LOG.debug("Ignoring Service {}: headless, ExternalName or no cluster IP", name);
            return Optional.of(absent);
        }
        try {
            return Optional.of(new ServiceObject(name, ports(name, spec, svc.getStatus())));
        } catch (Invalid e) {
            reporter.report(KIND, name.toString(), e.reason, e.getMessage());
            return Optional.of(absent);
        }
    }

    /** {@code ShouldSkipService}: no cluster IP, "None" (headless) or ExternalName. */
    private static boolean ignored(ServiceSpec spec) {
        String clusterIP = spec.getClusterIP();
        return clusterIP == null || clusterIP.isEmpty() || "None".equals(clusterIP)
                || "ExternalName".equals(spec.getType());
    }

    private List<ServicePort> ports(NamespacedName name, ServiceSpec spec, ServiceStatus status) throws Invalid {
        ServiceType type = type(spec.getType());
        List<String> clusterIPs = clusterIPs(spec);
        List<String> externalIPs = addresses(spec.getExternalIPs(), "invalid-external-ip", "externalIPs");
        List<String> lbIPs = loadBalancerIPs(status);
        List<String> sourceRanges = sourceRanges(spec.getLoadBalancerSourceRanges());
        boolean apiExternallyAccessible = type == ServiceType.LoadBalancer || type == ServiceType.NodePort
                || (type == ServiceType.ClusterIP && !externalIPs.isEmpty());
        TrafficPolicy etp = apiExternallyAccessible
                ? TrafficPolicy.parse(spec.getExternalTrafficPolicy()) : TrafficPolicy.Cluster;
        TrafficPolicy itp = TrafficPolicy.parse(spec.getInternalTrafficPolicy());
        SessionAffinity affinity = affinity(spec);
        int healthCheckNodePort = 0;
        if (type == ServiceType.LoadBalancer && etp == TrafficPolicy.Local) {
            healthCheckNodePort = nodePort(spec.getHealthCheckNodePort(), "healthCheckNodePort");
        }
        String trafficDistribution = spec.getTrafficDistribution() == null ? "" : spec.getTrafficDistribution();
        if (!trafficDistribution.isEmpty() && !TRAFFIC_DISTRIBUTION.matcher(trafficDistribution).matches()) {
            throw new Invalid("invalid-traffic-distribution", "trafficDistribution " + trafficDistribution);
        }
        List<ServicePort> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<io.fabric8.kubernetes.api.model.ServicePort> specPorts =
                spec.getPorts() == null ? List.of() : spec.getPorts();
        for (io.fabric8.kubernetes.api.model.ServicePort p : specPorts) {
            if (p == null) {
                continue;
            }
            String portName = p.getName() == null ? "" : p.getName();
            if (!KubeNames.isPortName(portName)) {
                throw new Invalid("invalid-name", "port name " + portName);
            }
            Protocol protocol = Protocol.parse(p.getProtocol())
                    .orElseThrow(() -> new Invalid("invalid-port", "protocol " + p.getProtocol()));
            Integer port = p.getPort();
            if (port == null || port < 1 || port > 65535) {
                throw new Invalid("invalid-port", "port " + port);
            }
            if (!seen.add(portName + "/" + protocol)) {
                throw new Invalid("invalid-port", "duplicate port " + portName + "/" + protocol);
            }
            int nodePort = nodePort(p.getNodePort(), "nodePort");
            out.add(new ServicePort(new ServicePortName(name, portName, protocol), type, clusterIPs, port, nodePort,
                    externalIPs, lbIPs, sourceRanges, etp, itp, affinity, healthCheckNodePort,
                    trafficDistribution));
        }
        return out;
    }

    private static ServiceType type(String t) throws Invalid {
        if (t == null || t.isEmpty()) {
            return ServiceType.ClusterIP;
        }
        for (ServiceType st : ServiceType.values()) {
            if (st.name().equals(t)) {
                return st;
            }
        }
        throw new Invalid("invalid-type", "type " + t);
    }

    /** spec.clusterIPs (fallback spec.clusterIP): canonical, at most one per family. */
    private static List<String> clusterIPs(ServiceSpec spec) throws Invalid {
        List<String> raw = spec.getClusterIPs() == null || spec.getClusterIPs().isEmpty()
                ? List.of(spec.getClusterIP()) : spec.getClusterIPs();
        List<String> out = new ArrayList<>();
        Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
        for (String ip : raw) {
            String c = IpAddresses.canonical(ip)
                    .orElseThrow(() -> new Invalid("invalid-cluster-ip", "clusterIP " + ip));
            if (!families.add(IpFamily.of(c))) {
                throw new Invalid("invalid-cluster-ip", "two cluster IPs of one family: " + raw);
            }
            out.add(c);
        }
        return out;
    }

    private static List<String> addresses(List<String> raw, String reason, String field) throws Invalid {
        List<String> out = new ArrayList<>();
        if (raw != null) {
            for (String ip : raw) {
                out.add(IpAddresses.canonical(ip).orElseThrow(() -> new Invalid(reason, field + " " + ip)));
            }
        }
        return out;
    }

    /** status.loadBalancer.ingress[].ip, skipping empty ones and {@code ipMode: Proxy} (KEP-1860). */
    private static List<String> loadBalancerIPs(ServiceStatus status) throws Invalid {
        List<String> out = new ArrayList<>();
        if (status == null || status.getLoadBalancer() == null || status.getLoadBalancer().getIngress() == null) {
            return out;
        }
        for (LoadBalancerIngress ing : status.getLoadBalancer().getIngress()) {
            if (ing == null || ing.getIp() == null || ing.getIp().isEmpty() || "Proxy".equals(ing.getIpMode())) {
                continue;
            }
            out.add(IpAddresses.canonical(ing.getIp())
                    .orElseThrow(() -> new Invalid("invalid-load-balancer-ip", "ingress ip " + ing.getIp())));
        }
        return out;
    }

    /** loadBalancerSourceRanges: TrimSpace'd, sloppy-parsed, printed as network CIDRs. */
    private static List<String> sourceRanges(List<String> raw) throws Invalid {
        List<String> out = new ArrayList<>();
        if (raw != null) {
            for (String r : raw) {
                out.add(Cidr.parse(r).map(Cidr::toString)
                        .orElseThrow(() -> new Invalid("invalid-source-range", "loadBalancerSourceRanges " + r)));
            }
        }
        return out;
    }

    private static int nodePort(Integer p, String field) throws Invalid {
        if (p == null || p == 0) {
            return 0;
        }
        if (p < 1 || p > 65535) {
            throw new Invalid("invalid-node-port", field + " " + p);
        }
        return p;
    }

    private static SessionAffinity affinity(ServiceSpec spec) throws Invalid {
        if (!"ClientIP".equals(spec.getSessionAffinity())) {
            return SessionAffinity.NONE;
        }
        Integer timeout = null;
        if (spec.getSessionAffinityConfig() != null && spec.getSessionAffinityConfig().getClientIP() != null) {
            timeout = spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
        }
        if (timeout == null) {
            return new SessionAffinity(SessionAffinity.DEFAULT_TIMEOUT_SECONDS);
        }
        if (timeout < 1 || timeout > MAX_AFFINITY_TIMEOUT) {
            throw new Invalid("invalid-session-affinity", "timeoutSeconds " + timeout);
        }
        return new SessionAffinity(timeout);
    }

    private static String printable(NamespacedName n) {
        return KubeNames.printable(n.namespace(), n.name());
    }

    /** A validation failure: reason token plus detail. Internal control flow only. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;

        Invalid(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
