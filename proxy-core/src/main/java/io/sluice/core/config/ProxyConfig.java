package io.sluice.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The defaulted, validated proxy configuration: the subset of kube-proxy's {@code KubeProxyConfiguration}
 * ({@code kubeproxy.config.k8s.io/v1alpha1}) that Sluice honours, plus Sluice's own {@code serviceProxyName}.
 * Defaults are kube-proxy's ({@code pkg/proxy/apis/config/v1alpha1/defaults.go}).
 *
 * @param mode               "iptables" or "ipvs" ("" in the file means iptables)
 * @param hostnameOverride   the node name; decides which endpoints are local and which Node object is read
 * @param clusterCIDRs       {@code clusterCIDR}, split on commas (dual-stack pair), canonical
 * @param detectLocalMode    ClusterCIDR, NodeCIDR, BridgeInterface or InterfaceNamePrefix
 * @param nodePortAddresses  CIDRs or the keyword "primary"; empty means all local addresses
 * @param serviceProxyName   value of {@code service.kubernetes.io/service-proxy-name} to serve; "" for a full replacement
 */
public record ProxyConfig(
        String mode,
        String hostnameOverride,
        List<String> clusterCIDRs,
        String detectLocalMode,
        DetectLocal detectLocal,
        List<String> nodePortAddresses,
        Iptables iptables,
        Ipvs ipvs,
        Conntrack conntrack,
        String metricsBindAddress,
        String healthzBindAddress,
        String kubeconfig,
        Duration configSyncPeriod,
        String serviceProxyName) {

    public static final String DEFAULT_METRICS_BIND_ADDRESS = "127.0.0.1:10249";
    public static final String DEFAULT_HEALTHZ_BIND_ADDRESS = "0.0.0.0:10256";

    public ProxyConfig {
        Objects.requireNonNull(mode, "mode");
        hostnameOverride = hostnameOverride == null ? "" : hostnameOverride;
        clusterCIDRs = List.copyOf(clusterCIDRs);
        detectLocal = detectLocal == null ? DetectLocal.NONE : detectLocal;
        nodePortAddresses = List.copyOf(nodePortAddresses);
        serviceProxyName = serviceProxyName == null ? "" : serviceProxyName;
        kubeconfig = kubeconfig == null ? "" : kubeconfig;
    }

    /** kube-proxy's defaults, iptables mode, node name as given. */
    public static ProxyConfig defaults(String nodeName) {
        return new ProxyConfig("iptables", nodeName, List.of(), "ClusterCIDR", DetectLocal.NONE, List.of(),
                Iptables.DEFAULTS, Ipvs.DEFAULTS, Conntrack.DEFAULTS,
                DEFAULT_METRICS_BIND_ADDRESS, DEFAULT_HEALTHZ_BIND_ADDRESS, "", Duration.ofMinutes(15), "");
    }

    /** syncPeriod of the active mode: the longest a sync may be postponed, and half the health timeout. */
    public Duration syncPeriod() {
        return "ipvs".equals(mode) ? ipvs.syncPeriod() : iptables.syncPeriod();
    }

    public Duration minSyncPeriod() {
        return "ipvs".equals(mode) ? ipvs.minSyncPeriod() : iptables.minSyncPeriod();
    }

    public ProxyConfig withMode(String m) {
        return new ProxyConfig(m, hostnameOverride, clusterCIDRs, detectLocalMode, detectLocal, nodePortAddresses,
                iptables, ipvs, conntrack, metricsBindAddress, healthzBindAddress, kubeconfig, configSyncPeriod,
                serviceProxyName);
    }

    public ProxyConfig withHostnameOverride(String h) {
        return new ProxyConfig(mode, h, clusterCIDRs, detectLocalMode, detectLocal, nodePortAddresses,
                iptables, ipvs, conntrack, metricsBindAddress, healthzBindAddress, kubeconfig, configSyncPeriod,
                serviceProxyName);
    }

    public ProxyConfig withServiceProxyName(String n) {
        return new ProxyConfig(mode, hostnameOverride, clusterCIDRs, detectLocalMode, detectLocal, nodePortAddresses,
                iptables, ipvs, conntrack, metricsBindAddress, healthzBindAddress, kubeconfig, configSyncPeriod, n);
    }

    public ProxyConfig withBindAddresses(String metrics, String healthz) {
        return new ProxyConfig(mode, hostnameOverride, clusterCIDRs, detectLocalMode, detectLocal, nodePortAddresses,
                iptables, ipvs, conntrack, metrics, healthz, kubeconfig, configSyncPeriod, serviceProxyName);
    }

    public ProxyConfig withKubeconfig(String k) {
        return new ProxyConfig(mode, hostnameOverride, clusterCIDRs, detectLocalMode, detectLocal, nodePortAddresses,
                iptables, ipvs, conntrack, metricsBindAddress, healthzBindAddress, k, configSyncPeriod,
                serviceProxyName);
    }

    /** {@code detectLocal.bridgeInterface} / {@code detectLocal.interfaceNamePrefix}. */
    public record DetectLocal(String bridgeInterface, String interfaceNamePrefix) {
        public static final DetectLocal NONE = new DetectLocal("", "");

        public DetectLocal {
            bridgeInterface = bridgeInterface == null ? "" : bridgeInterface;
            interfaceNamePrefix = interfaceNamePrefix == null ? "" : interfaceNamePrefix;
        }
    }

    /** {@code iptables.*}. masqueradeBit 14, localhostNodePorts true, syncPeriod 30s, minSyncPeriod 1s. */
    public record Iptables(int masqueradeBit, boolean masqueradeAll, boolean localhostNodePorts,
                           Duration syncPeriod, Duration minSyncPeriod) {
        public static final Iptables DEFAULTS = new Iptables(14, false, true, Duration.ofSeconds(30), Duration.ofSeconds(1));

        /** kube-proxy's {@code fmt.Sprintf("%#08x", 1<<masqueradeBit)}, e.g. {@code 0x00004000}. */
        public String masqueradeMark() {
            return String.format("0x%08x", 1L << masqueradeBit);
        }
    }

    /** {@code ipvs.*}. scheduler "" means rr. */
    public record Ipvs(String scheduler, Duration syncPeriod, Duration minSyncPeriod, boolean strictARP,
                       List<String> excludeCIDRs, Duration tcpTimeout, Duration tcpFinTimeout, Duration udpTimeout) {
        public static final Ipvs DEFAULTS = new Ipvs("rr", Duration.ofSeconds(30), Duration.ZERO, false, List.of(),
                Duration.ZERO, Duration.ZERO, Duration.ZERO);

        public Ipvs {
            scheduler = scheduler == null || scheduler.isEmpty() ? "rr" : scheduler;
            excludeCIDRs = List.copyOf(excludeCIDRs);
        }
    }

    /** {@code conntrack.tcpBeLiberal}: when true kube-proxy does not install the ctstate INVALID drop rule. */
    public record Conntrack(boolean tcpBeLiberal) {
        public static final Conntrack DEFAULTS = new Conntrack(false);
    }
}
