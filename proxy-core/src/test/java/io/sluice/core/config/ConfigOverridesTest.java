package io.sluice.core.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigOverridesTest {

    private final ProxyConfig base = ProxyConfig.defaults("from-file").withKubeconfig("/file/kubeconfig");

    @Test
    void noOverridesLeaveTheConfigAlone() throws Exception {
        assertThat(ConfigOverrides.NONE.apply(base)).isEqualTo(base);
    }

    @Test
    void givenFlagsReplaceTheFileValues() throws Exception {
        ProxyConfig c = new ConfigOverrides("Node-B", "/flag/kubeconfig", "0.0.0.0:9999", "127.0.0.1",
                "ipvs", "sluice").apply(base);
        assertThat(c.hostnameOverride()).isEqualTo("node-b");
        assertThat(c.kubeconfig()).isEqualTo("/flag/kubeconfig");
        assertThat(c.metricsBindAddress()).isEqualTo("0.0.0.0:9999");
        assertThat(c.healthzBindAddress()).isEqualTo("127.0.0.1:10256");
        assertThat(c.mode()).isEqualTo("ipvs");
        assertThat(c.serviceProxyName()).isEqualTo("sluice");
        assertThat(c.iptables()).isEqualTo(base.iptables());
    }

    @Test
    void invalidFlagValuesNameTheFlag() {
        assertThatThrownBy(() -> new ConfigOverrides(null, null, null, null, "kernelspace", null).apply(base))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--proxy-mode: mode \"kernelspace\" is not supported by Sluice (supported: iptables, ipvs, nftables)");
        assertThatThrownBy(() -> new ConfigOverrides(null, null, "host:1", null, null, null).apply(base))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--metrics-bind-address: must be an IP address and port");
    }
}
