package io.sluice.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a {@code kubeproxy.config.k8s.io/v1alpha1} {@code KubeProxyConfiguration} (YAML or JSON, e.g. kubeadm's
 * {@code config.conf}) into a defaulted, validated {@link ProxyConfig}.
 *
 * <p>Defaults are kube-proxy's ({@code pkg/proxy/apis/config/v1alpha1/defaults.go}); validation follows
 * {@code pkg/proxy/apis/config/validation}. Differences, all deliberate:
 * <ul>
 *   <li>{@code mode} may only be "", iptables, ipvs or nftables: kernelspace is rejected (Sluice cannot serve it,
 *   and kube-proxy also exits when the selected mode cannot be used).</li>
 *   <li>In nftables mode the {@code nftables} section (masqueradeBit, masqueradeAll, syncPeriod, minSyncPeriod) is
 *   read into {@link ProxyConfig#iptables()}, the slot the active mode's NAT settings live in.</li>
 *   <li>Fields Sluice does not use ({@code conntrack.maxPerCore} and the other conntrack sysctls, {@code logging},
 *   {@code oomScoreAdj}, {@code featureGates}, ...) are accepted; a set value gets one WARN.</li>
 *   <li>An unknown field gets one WARN naming its path (kube-proxy's strict decoding would fail).</li>
 *   <li>The top-level {@code serviceProxyName} is Sluice's extension (see deploy conventions §7).</li>
 * </ul>
 * Invalid values throw {@link ConfigException} naming the field path and the value. Warnings are logged and kept in
 * {@link #warnings()}. One loader per file; not thread-safe.
 */
public final class KubeProxyConfigurationLoader {

    public static final String API_VERSION = "kubeproxy.config.k8s.io/v1alpha1";
    public static final String KIND = "KubeProxyConfiguration";
    /** ip_vs schedulers kube-proxy accepts ({@code ipvs.scheduler}). */
    public static final Set<String> IPVS_SCHEDULERS =
            Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh", "dh", "sed", "nq", "mh");
    public static final Set<String> DETECT_LOCAL_MODES =
            Set.of("ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix");

    private static final Logger LOG = LoggerFactory.getLogger(KubeProxyConfigurationLoader.class);
    private static final String IGNORED = "Sluice does not use it";

    private final List<String> warnings = new ArrayList<>();

    /** Warnings of the last load, in file order. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * Loads a file.
     *
     * @param defaultNodeName used when {@code hostnameOverride} is empty (kube-proxy uses the host name)
     */
    public ProxyConfig load(Path file, String defaultNodeName) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, defaultNodeName);
    }

    /** Parses YAML or JSON text. */
    public ProxyConfig parse(String text, String defaultNodeName) throws ConfigException {
        warnings.clear();
        JsonNode root;
        try {
            YAMLMapper mapper = new YAMLMapper();
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException("", "not valid YAML or JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException("", "the configuration is empty");
        }
        if (!root.isObject()) {
            throw new ConfigException("", "the configuration must be an object, got " + root.getNodeType());
        }
        return read(new YamlSection((ObjectNode) root, "", this::warn), defaultNodeName);
    }

    private void warn(String message) {
        warnings.add(message);
        LOG.warn("configuration: {}", message);
    }

    private ProxyConfig read(YamlSection root, String defaultNodeName) throws ConfigException {
        String apiVersion = root.string("apiVersion", "");
        if (!API_VERSION.equals(apiVersion)) {
            throw new ConfigException("apiVersion", "must be " + API_VERSION + ", got \"" + apiVersion + "\"");
        }
        String kind = root.string("kind", "");
        if (!KIND.equals(kind)) {
            throw new ConfigException("kind", "must be " + KIND + ", got \"" + kind + "\"");
        }

        String mode = mode(root.string("mode", ""), "mode");
        String hostname = root.string("hostnameOverride", "").strip().toLowerCase(Locale.ROOT);
        if (hostname.isEmpty() && defaultNodeName != null) {
            hostname = defaultNodeName.strip().toLowerCase(Locale.ROOT);
        }
        List<String> clusterCIDRs = clusterCidrs(root.string("clusterCIDR", ""));

        String detectLocalMode = root.string("detectLocalMode", "");
        if (detectLocalMode.isEmpty()) {
            detectLocalMode = "ClusterCIDR";
        } else if (!DETECT_LOCAL_MODES.contains(detectLocalMode)) {
            throw new ConfigException("detectLocalMode", "must be one of ClusterCIDR, NodeCIDR, BridgeInterface, "
                    + "InterfaceNamePrefix, got \"" + detectLocalMode + "\"");
        }
        YamlSection dl = root.section("detectLocal");
        ProxyConfig.DetectLocal detectLocal = new ProxyConfig.DetectLocal(
                dl.string("bridgeInterface", ""), dl.string("interfaceNamePrefix", ""));
        dl.reportUnknown();
        if (detectLocalMode.equals("BridgeInterface") && detectLocal.bridgeInterface().isEmpty()) {
            throw new ConfigException("detectLocal.bridgeInterface",
                    "must be set when detectLocalMode is BridgeInterface, got \"\"");
        }
        if (detectLocalMode.equals("InterfaceNamePrefix") && detectLocal.interfaceNamePrefix().isEmpty()) {
            throw new ConfigException("detectLocal.interfaceNamePrefix",
                    "must be set when detectLocalMode is InterfaceNamePrefix, got \"\"");
        }
        checkInterfaceName("detectLocal.bridgeInterface", detectLocal.bridgeInterface());
        checkInterfaceName("detectLocal.interfaceNamePrefix", detectLocal.interfaceNamePrefix());

        List<String> nodePortAddresses = nodePortAddresses(root.stringList("nodePortAddresses"));

        ProxyConfig.Iptables iptables = iptables(root.section("iptables"));
        // kube-proxy's nftables proxier reads config.NFTables (masqueradeBit, masqueradeAll, sync periods).
        ProxyConfig.Iptables nftables = iptables(root.section("nftables"));
        if (mode.equals("nftables")) {
            iptables = nftables;
        }
        ProxyConfig.Ipvs ipvs = ipvs(root.section("ipvs"));

        YamlSection ct = root.section("conntrack");
        ProxyConfig.Conntrack conntrack = new ProxyConfig.Conntrack(ct.bool("tcpBeLiberal", false));
        ct.ignored("Sluice does not tune conntrack sysctls", "maxPerCore", "min", "tcpEstablishedTimeout",
                "tcpCloseWaitTimeout", "udpTimeout", "udpStreamTimeout");
        ct.reportUnknown();

        String bind = root.string("bindAddress", "");
        if (!bind.isEmpty()) {
            if (IpAddresses.parse(bind) == null) {
                throw new ConfigException("bindAddress", "must be an IP address, got \"" + bind + "\"");
            }
            if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
                warn("bindAddress: accepted and ignored (Sluice takes the node IPs from the Node object)");
            }
        }
        // defaults.go getDefaultAddresses: an IPv6 bindAddress moves both defaults to IPv6.
        boolean v6 = !bind.isEmpty() && IpFamily.of(bind) == IpFamily.IPv6;
        String metrics = bindAddress(root.string("metricsBindAddress", ""), "metricsBindAddress",
                v6 ? "[::1]:10249" : ProxyConfig.DEFAULT_METRICS_BIND_ADDRESS);
        String healthz = bindAddress(root.string("healthzBindAddress", ""), "healthzBindAddress",
                v6 ? "[::]:10256" : ProxyConfig.DEFAULT_HEALTHZ_BIND_ADDRESS);

        YamlSection cc = root.section("clientConnection");
        String kubeconfig = cc.string("kubeconfig", "");
        cc.ignored("the Kubernetes client uses its own settings", "acceptContentTypes", "contentType", "qps",
                "burst");
        cc.reportUnknown();

        Duration configSyncPeriod = defaultIfZero(root.duration("configSyncPeriod", Duration.ZERO),
                Duration.ofMinutes(15));
        if (configSyncPeriod.isNegative() || configSyncPeriod.isZero()) {
            throw new ConfigException("configSyncPeriod",
                    "must be greater than 0, got " + GoDuration.format(configSyncPeriod));
        }

        root.ignored("feature gates do not apply to Sluice", "featureGates");
        root.ignored(IGNORED, "bindAddressHardFail", "enableProfiling", "logging", "oomScoreAdj", "portRange",
                "showHiddenMetricsForVersion", "udpIdleTimeout", "winkernel", "windowsRunAsService",
                "nodeIPOverride");
        String serviceProxyName = root.string("serviceProxyName", "");
        root.reportUnknown();

        return new ProxyConfig(mode, hostname, clusterCIDRs, detectLocalMode, detectLocal, nodePortAddresses,
                iptables, ipvs, conntrack, metrics, healthz, kubeconfig, configSyncPeriod, serviceProxyName);
    }

    /**
     * Validates a proxy mode as the file or the {@code --proxy-mode} flag gives it; "" means iptables.
     *
     * @param field the field path or flag named in the error
     */
    public static String mode(String mode, String field) throws ConfigException {
        return switch (mode) {
            case "", "iptables" -> "iptables";
            case "ipvs" -> "ipvs";
            case "nftables" -> "nftables";
            case "kernelspace" -> throw new ConfigException(field,
                    "mode \"" + mode + "\" is not supported by Sluice (supported: iptables, ipvs, nftables)");
            default -> throw new ConfigException(field,
                    "must be one of \"\", iptables, ipvs, nftables, got \"" + mode + "\"");
        };
    }

    /**
     * Validates {@code host:port} (IP literal, port 0–65535); "" means {@code def}, and an IP without a port gets the
     * port of {@code def} (kube-proxy's {@code AppendPortIfNeeded}).
     *
     * @return the canonical {@code ip:port}
     */
    public static String bindAddress(String value, String field, String def) throws ConfigException {
        if (value.isEmpty()) {
            return def;
        }
        byte[] ipOnly = IpAddresses.parse(value.startsWith("[") && value.endsWith("]")
                ? value.substring(1, value.length() - 1) : value);
        if (ipOnly != null) {
            int port = HostPort.parse(def).map(HostPort::port).orElse(0);
            return new HostPort(IpAddresses.format(ipOnly), port).toString();
        }
        return HostPort.parse(value).map(HostPort::toString).orElseThrow(() -> new ConfigException(field,
                "must be an IP address and port such as 0.0.0.0:10256, got \"" + value + "\""));
    }

    private static List<String> clusterCidrs(String value) throws ConfigException {
        List<String> out = new ArrayList<>();
        if (value.isBlank()) {
            return out;
        }
        Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
        for (String part : value.split(",", -1)) {
            Cidr c = Cidr.parse(part).orElseThrow(() -> new ConfigException("clusterCIDR",
                    "must be a CIDR or a comma-separated dual-stack pair of CIDRs, got \"" + value + "\""));
            if (!families.add(c.family())) {
                throw new ConfigException("clusterCIDR",
                        "at most one CIDR per IP family (a dual-stack pair), got \"" + value + "\"");
            }
            out.add(c.toString());
        }
        return out;
    }

    private static List<String> nodePortAddresses(List<String> values) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            String field = "nodePortAddresses[" + i + "]";
            if (v.equals("primary")) {
                if (values.size() != 1) {
                    throw new ConfigException(field, "\"primary\" cannot be combined with CIDRs, got " + values);
                }
                out.add(v);
                continue;
            }
            out.add(Cidr.parse(v).orElseThrow(() -> new ConfigException(field,
                    "must be a CIDR or \"primary\", got \"" + v + "\"")).toString());
        }
        return out;
    }

    private static ProxyConfig.Iptables iptables(YamlSection s) throws ConfigException {
        ProxyConfig.Iptables d = ProxyConfig.Iptables.DEFAULTS;
        Long bit = s.integer("masqueradeBit");
        if (bit != null && (bit < 0 || bit > 31)) {
            throw new ConfigException(s.path("masqueradeBit"), "must be between 0 and 31, got " + bit);
        }
        boolean masqueradeAll = s.bool("masqueradeAll", d.masqueradeAll());
        boolean localhostNodePorts = s.bool("localhostNodePorts", d.localhostNodePorts());
        // defaults.go: a zero (unset) syncPeriod becomes 30s and a zero minSyncPeriod 1s.
        Duration sync = defaultIfZero(s.duration("syncPeriod", Duration.ZERO), d.syncPeriod());
        Duration minSync = defaultIfZero(s.duration("minSyncPeriod", Duration.ZERO), d.minSyncPeriod());
        checkPeriods(s, sync, minSync);
        s.reportUnknown();
        return new ProxyConfig.Iptables(bit == null ? d.masqueradeBit() : bit.intValue(), masqueradeAll,
                localhostNodePorts, sync, minSync);
    }

    private static ProxyConfig.Ipvs ipvs(YamlSection s) throws ConfigException {
        ProxyConfig.Ipvs d = ProxyConfig.Ipvs.DEFAULTS;
        String scheduler = s.string("scheduler", "");
        if (!scheduler.isEmpty() && !IPVS_SCHEDULERS.contains(scheduler)) {
            throw new ConfigException(s.path("scheduler"), "must be one of rr, wrr, lc, wlc, lblc, lblcr, sh, dh, "
                    + "sed, nq, mh, got \"" + scheduler + "\"");
        }
        // defaults.go: a zero syncPeriod becomes 30s; ipvs.minSyncPeriod has no default (0: sync on every change).
        Duration sync = defaultIfZero(s.duration("syncPeriod", Duration.ZERO), d.syncPeriod());
        Duration minSync = s.duration("minSyncPeriod", d.minSyncPeriod());
        checkPeriods(s, sync, minSync);
        boolean strictArp = s.bool("strictARP", d.strictARP());
        List<String> exclude = new ArrayList<>();
        List<String> raw = s.stringList("excludeCIDRs");
        for (int i = 0; i < raw.size(); i++) {
            String v = raw.get(i);
            exclude.add(Cidr.parse(v).orElseThrow(() -> new ConfigException(s.path("excludeCIDRs"),
                    "must be a list of CIDRs, got \"" + v + "\"")).toString());
        }
        Duration tcp = nonNegative(s, "tcpTimeout", d.tcpTimeout());
        Duration tcpFin = nonNegative(s, "tcpFinTimeout", d.tcpFinTimeout());
        Duration udp = nonNegative(s, "udpTimeout", d.udpTimeout());
        s.reportUnknown();
        return new ProxyConfig.Ipvs(scheduler, sync, minSync, strictArp, exclude, tcp, tcpFin, udp);
    }

    private static Duration defaultIfZero(Duration d, Duration def) {
        return d.isZero() ? def : d;
    }

    private static Duration nonNegative(YamlSection s, String key, Duration def) throws ConfigException {
        Duration v = s.duration(key, def);
        if (v.isNegative()) {
            throw new ConfigException(s.path(key), "must be greater than or equal to 0, got " + GoDuration.format(v));
        }
        return v;
    }

    private static void checkPeriods(YamlSection s, Duration sync, Duration minSync) throws ConfigException {
        if (sync.isNegative() || sync.isZero()) {
            throw new ConfigException(s.path("syncPeriod"), "must be greater than 0, got " + GoDuration.format(sync));
        }
        if (minSync.isNegative()) {
            throw new ConfigException(s.path("minSyncPeriod"),
                    "must be greater than or equal to 0, got " + GoDuration.format(minSync));
        }
        if (minSync.compareTo(sync) > 0) {
            throw new ConfigException(s.path("minSyncPeriod"), "must be less than or equal to "
                    + s.path("syncPeriod") + " (" + GoDuration.format(sync) + "), got " + GoDuration.format(minSync));
        }
    }

    /** Linux interface names: 1–15 bytes, no '/', white space or NUL (they end up in iptables arguments). */
    private static void checkInterfaceName(String field, String name) throws ConfigException {
        if (name.isEmpty()) {
            return;
        }
        boolean ok = name.length() <= 15 && name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != '"'
                && c != '\'' && c != '\\');
        if (!ok) {
            throw new ConfigException(field, "must be a network interface name (at most 15 printable characters, "
                    + "no '/', quotes or spaces), got \"" + printable(name) + "\"");
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < ' ' || c == 127 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
