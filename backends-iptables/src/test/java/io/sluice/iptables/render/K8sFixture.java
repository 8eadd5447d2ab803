package io.sluice.iptables.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.fixtures.UpstreamCluster;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ProxySnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * One upstream conformance fixture of this backend: its proxier configuration as render options, its steps, and the
 * cluster state they build ({@link UpstreamCluster}).
 */
final class K8sFixture extends UpstreamCluster {
    static final String RESOURCES = "/conformance/iptables/";

    final JsonNode root;

    K8sFixture(JsonNode root) {
        this.root = root;
    }

    static K8sFixture load(String name) {
        return new K8sFixture(readJson(RESOURCES + name));
    }

    static JsonNode readJson(String resource) {
        return readJson(K8sFixture.class, resource);
    }

    static String readText(String resource) {
        return readText(K8sFixture.class, resource);
    }

    JsonNode config() {
        return root.get("config");
    }

    List<JsonNode> steps() {
        List<JsonNode> out = new ArrayList<>();
        root.get("steps").forEach(out::add);
        return out;
    }

    RenderOptions options() {
        JsonNode c = config();
        IpFamily family = IpFamily.valueOf(c.get("ipFamily").asText());
        JsonNode det = c.path("localDetector");
        LocalDetector detector = switch (det.path("mode").asText("")) {
            case "ClusterCIDR" -> new LocalDetector.ClusterCidr(det.get("cidr").asText());
            case "NodeCIDR" -> new LocalDetector.NodeCidr(det.get("cidr").asText());
            case "BridgeInterface" -> new LocalDetector.BridgeInterface(det.get("interface").asText());
            case "InterfaceNamePrefix" -> new LocalDetector.InterfaceNamePrefix(det.get("prefix").asText());
            default -> new LocalDetector.NoOp();
        };
        List<String> npa = new ArrayList<>();
        c.path("nodePortAddresses").forEach(n -> npa.add(n.asText()));
        JsonNode nf = c.path("nfacctCounters");
        return new RenderOptions(family, c.get("nodeName").asText(), List.of(c.get("nodeIP").asText()),
                c.get("masqueradeMark").asText(), c.path("masqueradeAll").asBoolean(), detector,
                c.path("localhostNodePorts").asBoolean(true), npa, c.path("conntrackTCPBeLiberal").asBoolean(),
                c.path("iptablesHasRandomFully").asBoolean(), nf.path("ct_state_invalid_dropped_pkts").asBoolean(),
                nf.path("localhost_nps_accepted_pkts").asBoolean());
    }

    ProxySnapshot snapshot(String nodeName) {
        return new ProxySnapshot(servicePorts(), endpoints(nodeName), NodeInfo.named(nodeName));
    }
}
