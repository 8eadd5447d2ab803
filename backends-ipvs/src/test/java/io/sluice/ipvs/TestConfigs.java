package io.sluice.ipvs;

import io.sluice.core.config.ProxyConfig;

import java.time.Duration;
import java.util.List;

/** Configurations for tests. */
final class TestConfigs {
    private TestConfigs() {
    }

    static ProxyConfig ipvs() {
        return ProxyConfig.defaults(Snap.NODE).withMode("ipvs");
    }

    static ProxyConfig with(String scheduler, List<String> excludeCIDRs, List<String> nodePortAddresses,
                            List<String> clusterCIDRs, boolean strictArp) {
        ProxyConfig d = ipvs();
        ProxyConfig.Ipvs i = new ProxyConfig.Ipvs(scheduler, Duration.ofSeconds(30), Duration.ZERO, strictArp,
                excludeCIDRs, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        return new ProxyConfig(d.mode(), d.hostnameOverride(), clusterCIDRs, d.detectLocalMode(), d.detectLocal(),
                nodePortAddresses, d.iptables(), i, d.conntrack(), d.metricsBindAddress(), d.healthzBindAddress(),
                d.kubeconfig(), d.configSyncPeriod(), d.serviceProxyName());
    }

    static ProxyConfig scheduler(String s) {
        return with(s, List.of(), List.of(), List.of(), false);
    }

    static ProxyConfig excludeCidrs(String... cidrs) {
        return with("rr", List.of(cidrs), List.of(), List.of(), false);
    }
}
