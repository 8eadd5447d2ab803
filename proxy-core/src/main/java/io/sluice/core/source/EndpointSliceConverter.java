package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointHints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.ForNode;
import io.fabric8.kubernetes.api.model.discovery.v1.ForZone;
import io.sluice.core.model.EndpointSliceObject;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.SliceEndpoint;
import io.sluice.core.model.SlicePort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * fabric8 discovery/v1 {@link EndpointSlice} → {@link EndpointSliceObject}, following kube-proxy's
 * {@code endpointslicecache.go}.
 *
 * <p>An empty result means "this slice contributes nothing" (no {@code kubernetes.io/service-name} label, FQDN
 * address type, another proxy's label, or rejected as a whole because of a hostile name); the caller then delivers a
 * delete of the slice so no earlier state of it remains. A malformed endpoint or port only drops that endpoint or port
 * (reported as {@code invalid-endpoint-address} / {@code invalid-endpoint-port}). Stateless and thread-safe.
 */
public final class EndpointSliceConverter {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointSliceConverter.class);
    static final String KIND = "EndpointSlice";
    /** {@code discovery.LabelServiceName}. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    /** {@code v1.EndpointsLastChangeTriggerTime}. */
    public static final String TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    private final ProxyNameSelector selector;
    private final InvalidObjectReporter reporter;

    public EndpointSliceConverter(ProxyNameSelector selector, InvalidObjectListener listener) {
        this.selector = selector;
        this.reporter = new InvalidObjectReporter(listener);
    }

    /** The key a slice is delivered (and deleted) under, or empty when it has no name. */
    public static Optional<NamespacedName> identity(EndpointSlice slice) {
        return ServiceConverter.identity(slice == null ? null : slice.getMetadata());
    }

    public Optional<EndpointSliceObject> convert(EndpointSlice slice) {
        Optional<NamespacedName> id = identity(slice);
        if (id.isEmpty()) {
            reporter.report(KIND, "<unnamed>", "invalid-name", "metadata.name is missing");
            return Optional.empty();
        }
        NamespacedName name = id.get();
        String printableName = KubeNames.printable(name.namespace(), name.name());
        Map<String, String> labels = slice.getMetadata().getLabels() == null
                ? Map.of() : slice.getMetadata().getLabels();
        if (!selector.matches(labels)) {
            LOG.debug("Ignoring EndpointSlice {}: labels do not match {}", printableName, selector);
            return Optional.empty();
        }
        String serviceName = labels.get(SERVICE_NAME_LABEL);
        if (serviceName == null) {
            // kube-proxy: "Missing required label", the slice is not tracked.
            LOG.debug("Ignoring EndpointSlice {}: no {} label", printableName, SERVICE_NAME_LABEL);
            return Optional.empty();
        }
        if (!KubeNames.isDns1123Label(name.namespace()) || !KubeNames.isDns1123Subdomain(name.name())
                || !KubeNames.isDns1123Label(serviceName)) {
            reporter.report(KIND, printableName, "invalid-name",
                    "namespace, name or service-name label is not a valid name: " + serviceName);
            return Optional.empty();
        }
        IpFamily family;
        if ("IPv4".equals(slice.getAddressType())) {
            family = IpFamily.IPv4;
        } else if ("IPv6".equals(slice.getAddressType())) {
            family = IpFamily.IPv6;
        } else {
            LOG.debug("Ignoring EndpointSlice {}: addressType {}", printableName,
                    KubeNames.printable(slice.getAddressType()));
            return Optional.empty();
        }
        return Optional.of(new EndpointSliceObject(name, serviceName, family, ports(name, slice),
                endpoints(name, family, slice), triggerTime(name, slice)));
    }

    private List<SlicePort> ports(NamespacedName name, EndpointSlice slice) {
        List<SlicePort> out = new ArrayList<>();
        if (slice.getPorts() == null) {
            return out;
        }
        for (EndpointPort p : slice.getPorts()) {
            if (p == null || p.getPort() == null || p.getPort() == 0) {
                // endpointslicecache.go: "Ignoring invalid endpoint port" (nil or 0 means "all ports", unsupported).
                continue;
            }
            if (p.getName() == null) {
                // pkg/proxy/endpointslicecache.go: "Ignoring port with nil name". The API server defaults a missing
                // name to "" (SetDefaults_EndpointPort), so only undefaulted objects get here; kube-proxy skips them.
                reporter.report(KIND, name.toString(), "invalid-endpoint-port",
                        "port " + p.getPort() + "/" + p.getProtocol() + " has no name field (nil name)");
                continue;
            }
            String portName = p.getName();
            Optional<Protocol> protocol = Protocol.parse(p.getProtocol());
            if (p.getPort() < 1 || p.getPort() > 65535 || !KubeNames.isPortName(portName) || protocol.isEmpty()) {
                reporter.report(KIND, name.toString(), "invalid-endpoint-port",
                        "port " + portName + " " + p.getPort() + "/" + p.getProtocol());
                continue;
            }
            out.add(new SlicePort(portName, p.getPort(), protocol.get()));
        }
        return out;
    }

    private List<SliceEndpoint> endpoints(NamespacedName name, IpFamily family, EndpointSlice slice) {
        List<SliceEndpoint> out = new ArrayList<>();
        if (slice.getEndpoints() == null) {
            return out;
        }
        for (Endpoint e : slice.getEndpoints()) {
            if (e == null || e.getAddresses() == null || e.getAddresses().isEmpty()) {
                reporter.report(KIND, name.toString(), "invalid-endpoint-address", "endpoint without addresses");
                continue;
            }
            // Only addresses[0] is used (the API says all addresses are fungible).
            String raw = e.getAddresses().get(0);
            Optional<String> ip = IpAddresses.canonical(raw);
            if (ip.isEmpty() || IpFamily.of(ip.get()) != family) {
                reporter.report(KIND, name.toString(), "invalid-endpoint-address",
                        "address " + raw + " is not a valid " + family + " address");
                continue;
            }
            // Interned: a node's name and zone repeat on every endpoint it hosts (tens of thousands of copies).
            String nodeName = e.getNodeName() == null ? "" : e.getNodeName().intern();
            String zone = e.getZone() == null ? "" : e.getZone().intern();
            Set<String> zoneHints = new TreeSet<>();
            Set<String> nodeHints = new TreeSet<>();
            EndpointHints hints = e.getHints();
            if (hints != null && hints.getForZones() != null) {
                for (ForZone z : hints.getForZones()) {
                    if (z != null && z.getName() != null) {
                        zoneHints.add(z.getName());
                    }
                }
            }
            if (hints != null && hints.getForNodes() != null) {
                for (ForNode n : hints.getForNodes()) {
                    if (n != null && n.getName() != null) {
                        nodeHints.add(n.getName());
                    }
                }
            }
            if (!(nodeName.isEmpty() || KubeNames.isDns1123Subdomain(nodeName)) || !KubeNames.isLabelValue(zone)
                    || !zoneHints.stream().allMatch(KubeNames::isLabelValue)
                    || !nodeHints.stream().allMatch(KubeNames::isDns1123Subdomain)) {
                reporter.report(KIND, name.toString(), "invalid-endpoint-topology",
                        "nodeName, zone or hints of " + ip.get() + " are not valid names");
                continue;
            }
            EndpointConditions c = e.getConditions();
            boolean ready = c == null || c.getReady() == null || c.getReady();
            boolean serving = c == null || c.getServing() == null || c.getServing();
            boolean terminating = c != null && c.getTerminating() != null && c.getTerminating();
            out.add(new SliceEndpoint(ip.get(), ready, serving, terminating, nodeName, zone,
                    Set.copyOf(zoneHints), Set.copyOf(nodeHints)));
        }
        return out;
    }

    private static Instant triggerTime(NamespacedName name, EndpointSlice slice) {
        Map<String, String> annotations = slice.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(TRIGGER_TIME_ANNOTATION);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            LOG.debug("EndpointSlice {}: unparsable {} {}", name, TRIGGER_TIME_ANNOTATION, KubeNames.printable(value));
            return null;
        }
    }
}
