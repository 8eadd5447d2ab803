package io.sluice.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import io.sluice.nftables.model.Field;
import io.sluice.nftables.model.Mark;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Value;
import io.sluice.nftables.render.LocalTraffic;
import io.sluice.nftables.render.NftablesRenderOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Test-only converter from the conformance fixtures (Kubernetes-shaped Service/EndpointSlice JSON + proxier config)
 * to the model, following what kube-proxy's ServiceChangeTracker and EndpointSliceCache keep). It is
 * deliberately small and independent of the real fabric8 source layer. Holds the cluster state across steps.
 */
final class K8sFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RESOURCES = "/conformance/nftables/";

    final JsonNode root;
    final Map<NamespacedName, JsonNode> services = new TreeMap<>();
    final Map<NamespacedName, JsonNode> slices = new TreeMap<>();

    K8sFixture(JsonNode root) {
        this.root = root;
    }

    static K8sFixture load(String name) {
        return new K8sFixture(readJson(RESOURCES + name));
    }

    static JsonNode readJson(String resource) {
        try (InputStream in = K8sFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("missing resource " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readText(String resource) {
        try (InputStream in = K8sFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode config() {
        return root.get("config");
    }

    List<JsonNode> steps() {
        List<JsonNode> out = new ArrayList<>();
        root.get("steps").forEach(out::add);
        return out;
    }

    /** The proxier configuration of the fixture as render options. */
    NftablesRenderOptions options() {
        JsonNode c = config();
        IpFamily family = IpFamily.valueOf(c.get("ipFamily").asText());
        JsonNode det = c.path("localDetector");
        LocalTraffic detector = switch (det.path("mode").asText("")) {
            case "ClusterCIDR", "NodeCIDR" -> new LocalTraffic(Field.SADDR, new Value.Prefix(det.get("cidr").asText()));
            case "BridgeInterface" -> new LocalTraffic(Field.IIF, new Value.IfName(det.get("interface").asText()));
            case "InterfaceNamePrefix" -> new LocalTraffic(Field.IIF, new Value.IfName(det.get("prefix").asText() + "*"));
            default -> LocalTraffic.NONE;
        };
        List<String> npa = new ArrayList<>();
        c.path("nodePortAddresses").forEach(n -> npa.add(n.asText()));
        return new NftablesRenderOptions(NftFamily.of(family), c.get("nodeName").asText(),
                new Mark(c.get("masqueradeMark").asText()), c.path("masqueradeAll").asBoolean(), detector, npa);
    }

    /** The node: named, with the fixture's node IP (and the other family's primary IP of the fake interfaces). */
    NodeInfo node() {
        JsonNode c = config();
        List<String> addrs = new ArrayList<>(List.of(c.get("nodeIP").asText()));
        for (String extra : List.of("192.168.0.2", "2001:db8::1")) {
            if (!addrs.contains(extra)) {
                addrs.add(extra);
            }
        }
        return new NodeInfo(c.get("nodeName").asText(), addrs, new TreeMap<>(), false);
    }

    List<String> serviceCIDRs() {
        String s = config().path("serviceCIDRs").asText("");
        return s.isEmpty() ? List.of() : List.of(s.split(","));
    }

    /** Applies a step's op ("add", "update", "delete") to the cluster state; returns the services touched. */
    Set<NamespacedName> apply(JsonNode step) {
        Set<NamespacedName> touched = new HashSet<>();
        String op = step.path("op").asText("none");
        for (JsonNode o : step.path("objects")) {
            String ns = o.at("/metadata/namespace").asText();
            String name = o.at("/metadata/name").asText();
            boolean isService = o.get("kind").asText().equals("Service");
            NamespacedName key = new NamespacedName(ns, name);
            Map<NamespacedName, JsonNode> store = isService ? services : slices;
            if (isService) {
                touched.add(key);
            } else {
                JsonNode old = slices.get(key);
                touched.add(new NamespacedName(ns, o.at("/metadata/labels/kubernetes.io~1service-name").asText()));
                if (old != null) {
                    touched.add(new NamespacedName(ns,
                            old.at("/metadata/labels/kubernetes.io~1service-name").asText()));
                }
            }
            switch (op) {
                case "add", "update", "sync" -> store.put(key, o);
                case "delete" -> store.remove(key);
                default -> throw new IllegalArgumentException("unknown op " + op);
            }
        }
        return touched;
    }

    ProxySnapshot snapshot(String nodeName) {
        TreeMap<ServicePortName, ServicePort> ports = new TreeMap<>();
        for (JsonNode svc : services.values()) {
            for (ServicePort sp : servicePorts(svc)) {
                ports.put(sp.name(), sp);
            }
        }
        return new ProxySnapshot(ports, endpoints(nodeName), node(), serviceCIDRs());
    }

    static List<ServicePort> servicePorts(JsonNode svc) {
        String ns = svc.at("/metadata/namespace").asText();
        String name = svc.at("/metadata/name").asText();
        JsonNode spec = svc.path("spec");
        String clusterIP = spec.path("clusterIP").asText("");
        String typeText = spec.path("type").asText("ClusterIP");
        if (clusterIP.isEmpty() || clusterIP.equals("None") || typeText.equals("ExternalName")) {
            return List.of();
        }
        ServiceType type = ServiceType.valueOf(typeText);
        List<String> clusterIPs = new ArrayList<>();
        if (spec.has("clusterIPs")) {
            spec.get("clusterIPs").forEach(n -> clusterIPs.add(canonical(n.asText())));
        } else {
            clusterIPs.add(canonical(clusterIP));
        }
        List<String> externalIPs = new ArrayList<>();
        spec.path("externalIPs").forEach(n -> externalIPs.add(canonical(n.asText())));
        List<String> lbIPs = new ArrayList<>();
        for (JsonNode ing : svc.at("/status/loadBalancer/ingress")) {
            String ip = ing.path("ip").asText("");
            String mode = ing.path("ipMode").asText("VIP");
            if (!ip.isEmpty() && !mode.equals("Proxy")) {
                lbIPs.add(canonical(ip));
            }
        }
        List<String> ranges = new ArrayList<>();
        spec.path("loadBalancerSourceRanges").forEach(
                n -> Cidr.parse(n.asText()).ifPresent(c -> ranges.add(c.toString())));
        boolean externallyAccessible = type != ServiceType.ClusterIP || !externalIPs.isEmpty();
        TrafficPolicy etp = externallyAccessible
                ? TrafficPolicy.parse(spec.path("externalTrafficPolicy").asText("")) : TrafficPolicy.Cluster;
        TrafficPolicy itp = TrafficPolicy.parse(spec.path("internalTrafficPolicy").asText(""));
        SessionAffinity affinity = spec.path("sessionAffinity").asText("").equals("ClientIP")
                ? new SessionAffinity(spec.at("/sessionAffinityConfig/clientIP/timeoutSeconds")
                .asInt(SessionAffinity.DEFAULT_TIMEOUT_SECONDS))
                : SessionAffinity.NONE;
        int hcnp = type == ServiceType.LoadBalancer && etp == TrafficPolicy.Local
                ? spec.path("healthCheckNodePort").asInt(0) : 0;
        List<ServicePort> out = new ArrayList<>();
        for (JsonNode p : spec.path("ports")) {
            Protocol proto = Protocol.parse(p.path("protocol").asText("")).orElseThrow();
            ServicePortName spn = ServicePortName.of(ns, name, p.path("name").asText(""), proto);
            out.add(new ServicePort(spn, type, clusterIPs, p.get("port").asInt(), p.path("nodePort").asInt(0),
                    externalIPs, lbIPs, ranges, etp, itp, affinity, hcnp,
                    spec.path("trafficDistribution").asText("")));
        }
        return out;
    }

    private TreeMap<ServicePortName, List<Endpoint>> endpoints(String nodeName) {
        Map<ServicePortName, Map<String, Endpoint>> byPort = new TreeMap<>();
        for (JsonNode slice : slices.values()) {
            String ns = slice.at("/metadata/namespace").asText();
            String svc = slice.at("/metadata/labels/kubernetes.io~1service-name").asText("");
            if (svc.isEmpty()) {
                continue;
            }
            for (JsonNode p : slice.path("ports")) {
                if (!p.has("port") || p.get("port").asInt() == 0) {
                    continue;
                }
                Protocol proto = Protocol.parse(p.path("protocol").asText("")).orElseThrow();
                ServicePortName spn = ServicePortName.of(ns, svc, p.path("name").asText(""), proto);
                Map<String, Endpoint> eps = byPort.computeIfAbsent(spn, k -> new LinkedHashMap<>());
                for (JsonNode e : slice.path("endpoints")) {
                    JsonNode cond = e.path("conditions");
                    Set<String> zones = new HashSet<>();
                    e.at("/hints/forZones").forEach(z -> zones.add(z.path("name").asText()));
                    Set<String> nodes = new HashSet<>();
                    e.at("/hints/forNodes").forEach(z -> nodes.add(z.path("name").asText()));
                    Endpoint ep = new Endpoint(canonical(e.get("addresses").get(0).asText()), p.get("port").asInt(),
                            cond.path("ready").asBoolean(true), cond.path("serving").asBoolean(true),
                            cond.path("terminating").asBoolean(false), e.path("nodeName").asText(""),
                            e.path("zone").asText(""), zones, nodes);
                    Endpoint prev = eps.get(ep.ipPort());
                    if (prev == null || ep.isLocal(nodeName)) { // duplicates: a local copy wins
                        eps.put(ep.ipPort(), ep);
                    }
                }
            }
        }
        TreeMap<ServicePortName, List<Endpoint>> out = new TreeMap<>();
        byPort.forEach((k, v) -> out.put(k, new TreeMap<>(v).values().stream().toList()));
        return out;
    }

    private static String canonical(String ip) {
        return IpAddresses.canonical(ip).orElseThrow(() -> new IllegalArgumentException("bad IP " + ip));
    }
}
