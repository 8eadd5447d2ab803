package io.sluice.nftables;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.fixtures.UpstreamCluster;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.nftables.model.Field;
import io.sluice.nftables.model.Mark;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Value;
import io.sluice.nftables.render.LocalTraffic;
import io.sluice.nftables.render.NftablesRenderOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One upstream conformance fixture of this backend: its proxier configuration as render options, its steps, and the
 * cluster state they build ({@link UpstreamCluster}).
 */
final class K8sFixture extends UpstreamCluster {
    static final String RESOURCES = "/conformance/nftables/";

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

    ProxySnapshot snapshot(String nodeName) {
        return new ProxySnapshot(servicePorts(), endpoints(nodeName), node(), serviceCIDRs());
    }
}
