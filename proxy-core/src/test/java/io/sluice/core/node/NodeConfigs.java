package io.sluice.core.node;

import io.sluice.core.config.ProxyConfig;

import java.time.Duration;
import java.util.List;

/** Configurations for node-facts tests. */
final class NodeConfigs {
    private NodeConfigs() {
    }

    static ProxyConfig config(List<String> clusterCIDRs, String detectLocalMode, ProxyConfig.DetectLocal detectLocal,
                              List<String> nodePortAddresses) {
        ProxyConfig d = ProxyConfig.defaults("node-a");
        return new ProxyConfig(d.mode(), "node-a", clusterCIDRs, detectLocalMode, detectLocal, nodePortAddresses,
                d.iptables(), d.ipvs(), d.conntrack(), d.metricsBindAddress(), d.healthzBindAddress(), "",
                Duration.ofMinutes(15), "");
    }

    static ProxyConfig nodePortAddresses(String... cidrs) {
        return config(List.of("10.244.0.0/16"), "ClusterCIDR", null, List.of(cidrs));
    }
}
