package io.sluice.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a {@link ProxyConfig} as a {@code KubeProxyConfiguration} YAML document ({@code --write-config-to}).
 *
 * <p>Deterministic: keys in alphabetical order at every level (the order kube-proxy's own YAML output has), every
 * field written with its defaulted value, durations in Go syntax ({@code 30s}, {@code 15m0s}), strings unquoted unless
 * YAML would read them as something else. For every configuration the loader produces (lower-case node name,
 * canonical CIDRs and bind addresses, defaulted periods), loading the output with {@link KubeProxyConfigurationLoader}
 * gives an equal {@link ProxyConfig}. Sluice's {@code serviceProxyName} is written only when set, so the output for
 * a configuration without it contains only kube-proxy fields.
 */
public final class KubeProxyConfigurationWriter {
    private KubeProxyConfigurationWriter() {
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The YAML text, ending with a newline. */
    public static String toYaml(ProxyConfig c) {
        ObjectNode root = F.objectNode();
        root.put("apiVersion", KubeProxyConfigurationLoader.API_VERSION);
        ObjectNode client = root.putObject("clientConnection");
        client.put("kubeconfig", c.kubeconfig());
        root.put("clusterCIDR", String.join(",", c.clusterCIDRs()));
        root.put("configSyncPeriod", GoDuration.format(c.configSyncPeriod()));
        ObjectNode ct = root.putObject("conntrack");
        ct.put("tcpBeLiberal", c.conntrack().tcpBeLiberal());
        ObjectNode dl = root.putObject("detectLocal");
        dl.put("bridgeInterface", c.detectLocal().bridgeInterface());
        dl.put("interfaceNamePrefix", c.detectLocal().interfaceNamePrefix());
        root.put("detectLocalMode", c.detectLocalMode());
        root.put("healthzBindAddress", c.healthzBindAddress());
        root.put("hostnameOverride", c.hostnameOverride());
        ObjectNode ipt = root.putObject("iptables");
        ipt.put("localhostNodePorts", c.iptables().localhostNodePorts());
        ipt.put("masqueradeAll", c.iptables().masqueradeAll());
        ipt.put("masqueradeBit", c.iptables().masqueradeBit());
        ipt.put("minSyncPeriod", GoDuration.format(c.iptables().minSyncPeriod()));
        ipt.put("syncPeriod", GoDuration.format(c.iptables().syncPeriod()));
        ObjectNode ipvs = root.putObject("ipvs");
        list(ipvs.putArray("excludeCIDRs"), c.ipvs().excludeCIDRs());
        ipvs.put("minSyncPeriod", GoDuration.format(c.ipvs().minSyncPeriod()));
        ipvs.put("scheduler", c.ipvs().scheduler());
        ipvs.put("strictARP", c.ipvs().strictARP());
        ipvs.put("syncPeriod", GoDuration.format(c.ipvs().syncPeriod()));
        ipvs.put("tcpFinTimeout", GoDuration.format(c.ipvs().tcpFinTimeout()));
        ipvs.put("tcpTimeout", GoDuration.format(c.ipvs().tcpTimeout()));
        ipvs.put("udpTimeout", GoDuration.format(c.ipvs().udpTimeout()));
        root.put("kind", KubeProxyConfigurationLoader.KIND);
        root.put("metricsBindAddress", c.metricsBindAddress());
        root.put("mode", c.mode());
        if ("nftables".equals(c.mode())) {
            // In nftables mode the loader reads this section into iptables(): write it so the file round-trips.
            ObjectNode nft = root.putObject("nftables");
            nft.put("masqueradeAll", c.iptables().masqueradeAll());
            nft.put("masqueradeBit", c.iptables().masqueradeBit());
            nft.put("minSyncPeriod", GoDuration.format(c.iptables().minSyncPeriod()));
            nft.put("syncPeriod", GoDuration.format(c.iptables().syncPeriod()));
        }
        list(root.putArray("nodePortAddresses"), c.nodePortAddresses());
        if (!c.serviceProxyName().isEmpty()) {
            // Sluice's extension: written only when set, so a default file stays loadable by kube-proxy itself.
            root.put("serviceProxyName", c.serviceProxyName());
        }
        StringBuilder out = new StringBuilder();
        emit(root, 0, out);
        return out.toString();
    }

    /** Block-style YAML of a tree of objects, string lists and scalars, keys in insertion order. */
    private static void emit(ObjectNode node, int indent, StringBuilder out) {
        String pad = " ".repeat(indent);
        node.properties().forEach(e -> {
            JsonNode v = e.getValue();
            out.append(pad).append(e.getKey()).append(':');
            if (v.isObject()) {
                if (v.isEmpty()) {
                    out.append(" {}\n");
                } else {
                    out.append('\n');
                    emit((ObjectNode) v, indent + 2, out);
                }
            } else if (v.isArray()) {
                if (v.isEmpty()) {
                    out.append(" []\n");
                } else {
                    out.append('\n');
                    v.forEach(item -> out.append(pad).append("  - ").append(scalar(item)).append('\n'));
                }
            } else {
                out.append(' ').append(scalar(v)).append('\n');
            }
        });
    }

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:\\-\u00b5]*");

    /**
     * A scalar: numbers and booleans as such; a string plain when it cannot be read back as anything else (checked by
     * parsing it), otherwise double-quoted with JSON escapes (valid YAML).
     */
    private static String scalar(JsonNode v) {
        if (!v.isTextual()) {
            return v.toString();
        }
        String s = v.textValue();
        if (PLAIN.matcher(s).matches()) {
            try {
                JsonNode back = READER.readTree("k: " + s + "\n").get("k");
                if (back != null && back.isTextual() && back.textValue().equals(s)) {
                    return s;
                }
            } catch (JsonProcessingException e) {
                // fall through to quoting
            }
        }
        return v.toString();
    }

    private static final YAMLMapper READER = new YAMLMapper();

    /** Writes {@link #toYaml} to {@code file} (UTF-8), replacing it. */
    public static void write(ProxyConfig c, Path file) throws IOException {
        Files.writeString(file, toYaml(c), StandardCharsets.UTF_8);
    }

    private static void list(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}
