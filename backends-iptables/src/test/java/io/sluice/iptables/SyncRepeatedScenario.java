package io.sluice.iptables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Replays {@code conformance/iptables/sync-repeated.input.json} (upstream TestSyncProxyRulesRepeated): keeps the
 * cumulative Services and EndpointSlices and turns them into snapshots. Only what that scenario uses is modelled
 * (ClusterIP services, ready IPv4 endpoints without node names).
 */
final class SyncRepeatedScenario {
    static final String DIR = "/conformance/iptables/";

    private final Map<NamespacedName, JsonNode> services = new TreeMap<>();
    private final Map<NamespacedName, JsonNode> slices = new TreeMap<>();
    final JsonNode steps;

    SyncRepeatedScenario() throws IOException {
        try (InputStream in = SyncRepeatedScenario.class.getResourceAsStream(DIR + "sync-repeated.input.json")) {
            steps = new ObjectMapper().readTree(in).get("steps");
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = SyncRepeatedScenario.class.getResourceAsStream(DIR + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Applies an add/update/delete step; returns the services it touched (the partial-sync change set). */
    Set<NamespacedName> apply(JsonNode step) {
        Set<NamespacedName> changed = new TreeSet<>();
        String op = step.get("op").asText();
        if (!step.has("objects")) {
            return changed;
        }
        for (JsonNode o : step.get("objects")) {
            JsonNode md = o.get("metadata");
            NamespacedName key = new NamespacedName(md.get("namespace").asText(), md.get("name").asText());
            boolean slice = o.get("kind").asText().equals("EndpointSlice");
            Map<NamespacedName, JsonNode> store = slice ? slices : services;
            if (op.equals("delete")) {
                JsonNode old = store.remove(key);
                if (old != null) {
                    changed.add(serviceOf(key, old, slice));
                }
            } else {
                store.put(key, o);
                changed.add(serviceOf(key, o, slice));
            }
        }
        return changed;
    }

    private static NamespacedName serviceOf(NamespacedName key, JsonNode o, boolean slice) {
        return slice ? new NamespacedName(key.namespace(),
                o.get("metadata").get("labels").get("kubernetes.io/service-name").asText()) : key;
    }

    ProxySnapshot snapshot() {
        TreeMap<ServicePortName, ServicePort> svcs = new TreeMap<>();
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>();
        for (Map.Entry<NamespacedName, JsonNode> e : services.entrySet()) {
            JsonNode spec = e.getValue().get("spec");
            for (JsonNode p : spec.get("ports")) {
                Protocol proto = Protocol.parse(p.path("protocol").asText("TCP")).orElseThrow();
                ServicePortName name = new ServicePortName(e.getKey(), p.path("name").asText(""), proto);
                svcs.put(name, new ServicePort(name, ServiceType.ClusterIP, List.of(spec.get("clusterIP").asText()),
                        p.get("port").asInt(), 0, List.of(), List.of(), List.of(), TrafficPolicy.Cluster,
                        TrafficPolicy.Cluster, SessionAffinity.NONE, 0, ""));
                List<Endpoint> list = new ArrayList<>();
                for (JsonNode s : slices.values()) {
                    String svcName = s.get("metadata").get("labels").get("kubernetes.io/service-name").asText();
                    if (!s.get("metadata").get("namespace").asText().equals(e.getKey().namespace())
                            || !svcName.equals(e.getKey().name())) {
                        continue;
                    }
                    for (JsonNode sp : s.get("ports")) {
                        if (!sp.path("name").asText("").equals(name.port())) {
                            continue;
                        }
                        for (JsonNode ep : s.get("endpoints")) {
                            list.add(Endpoint.ready(ep.get("addresses").get(0).asText(), sp.get("port").asInt()));
                        }
                    }
                }
                if (!list.isEmpty()) {
                    list.sort(Comparator.comparing(Endpoint::ipPort));
                    eps.put(name, list);
                }
            }
        }
        return new ProxySnapshot(svcs, eps, new NodeInfo("test-node", List.of("192.168.0.2"), new TreeMap<>(), false));
    }
}
