package io.sluice.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubeProxyConfigurationLoaderTest {

    private static final String HEADER = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n";

    private final KubeProxyConfigurationLoader loader = new KubeProxyConfigurationLoader();

    private ProxyConfig load(String body) throws ConfigException {
        return loader.parse(HEADER + body, "node-a");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = KubeProxyConfigurationLoaderTest.class.getResourceAsStream("/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aMinimalFileGivesKubeProxysDefaults() throws Exception {
        ProxyConfig c = load("");
        assertThat(c).isEqualTo(ProxyConfig.defaults("node-a"));
        assertThat(c.mode()).isEqualTo("iptables");
        assertThat(c.iptables().masqueradeBit()).isEqualTo(14);
        assertThat(c.iptables().localhostNodePorts()).isTrue();
        assertThat(c.syncPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.minSyncPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.ipvs().scheduler()).isEqualTo("rr");
        assertThat(c.ipvs().minSyncPeriod()).isZero();
        assertThat(c.metricsBindAddress()).isEqualTo("127.0.0.1:10249");
        assertThat(c.healthzBindAddress()).isEqualTo("0.0.0.0:10256");
        assertThat(c.configSyncPeriod()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.detectLocalMode()).isEqualTo("ClusterCIDR");
        assertThat(loader.warnings()).isEmpty();
    }

    @Test
    void kubeadmsConfigMapLoadsWithDefaultsForItsZeroValuesAndNoWarnings() throws Exception {
        ProxyConfig c = loader.parse(resource("kubeadm-default.yaml"), "Node-A");
        assertThat(c).usingRecursiveComparison().ignoringFields("clusterCIDRs")
                .isEqualTo(ProxyConfig.defaults("node-a").withKubeconfig("/var/lib/kube-proxy/kubeconfig.conf"));
        assertThat(c.clusterCIDRs()).containsExactly("10.244.0.0/16");
        assertThat(c.iptables().syncPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.iptables().minSyncPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.ipvs().syncPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(loader.warnings()).isEmpty();
    }

    @Test
    void nftablesModeReadsTheNftablesSection() throws Exception {
        ProxyConfig c = load("""
                mode: nftables
                iptables:
                  masqueradeBit: 13
                nftables:
                  masqueradeBit: 15
                  masqueradeAll: true
                  syncPeriod: 45s
                """);
        assertThat(c.mode()).isEqualTo("nftables");
        assertThat(c.iptables().masqueradeBit()).isEqualTo(15);
        assertThat(c.iptables().masqueradeAll()).isTrue();
        assertThat(c.syncPeriod()).isEqualTo(Duration.ofSeconds(45));
        assertThat(loader.warnings()).isEmpty();
    }

    @Test
    void kubeProxyFieldsSluiceDoesNotUseWarnOnlyWhenSet() throws Exception {
        load("""
                oomScoreAdj: -999
                enableProfiling: false
                logging:
                  format: json
                nftables:
                  syncPeriod: 0s
                clientConnection:
                  qps: 50
                """);
        assertThat(loader.warnings()).containsExactlyInAnyOrder(
                "oomScoreAdj: accepted and ignored (Sluice does not use it)",
                "logging: accepted and ignored (Sluice does not use it)",
                "clientConnection.qps: accepted and ignored (the Kubernetes client uses its own settings)");
    }

    @Test
    void everyFieldIsRead() throws Exception {
        ProxyConfig c = load("""
                mode: ipvs
                hostnameOverride: Worker-1
                clusterCIDR: 10.244.0.0/16,fd00:10:244::/56
                detectLocalMode: BridgeInterface
                detectLocal:
                  bridgeInterface: cbr0
                  interfaceNamePrefix: veth
                nodePortAddresses: [192.168.0.0/16, "2001:db8::/64"]
                iptables:
                  masqueradeBit: 15
                  masqueradeAll: true
                  localhostNodePorts: false
                  syncPeriod: 1m0s
                  minSyncPeriod: 500ms
                ipvs:
                  scheduler: wlc
                  syncPeriod: 45s
                  minSyncPeriod: 2s
                  strictARP: true
                  excludeCIDRs: [10.0.0.0/8]
                  tcpTimeout: 1h2m3s
                  tcpFinTimeout: 30s
                  udpTimeout: 10s
                conntrack:
                  tcpBeLiberal: true
                metricsBindAddress: 0.0.0.0:10249
                healthzBindAddress: 127.0.0.1:10256
                clientConnection:
                  kubeconfig: /etc/sluice/kubeconfig
                configSyncPeriod: 5m
                bindAddress: 0.0.0.0
                featureGates: {}
                serviceProxyName: sluice
                """);
        assertThat(c).isEqualTo(new ProxyConfig("ipvs", "worker-1", List.of("10.244.0.0/16", "fd00:10:244::/56"),
                "BridgeInterface", new ProxyConfig.DetectLocal("cbr0", "veth"),
                List.of("192.168.0.0/16", "2001:db8::/64"),
                new ProxyConfig.Iptables(15, true, false, Duration.ofMinutes(1), Duration.ofMillis(500)),
                new ProxyConfig.Ipvs("wlc", Duration.ofSeconds(45), Duration.ofSeconds(2), true,
                        List.of("10.0.0.0/8"), Duration.ofSeconds(3723), Duration.ofSeconds(30),
                        Duration.ofSeconds(10)),
                new ProxyConfig.Conntrack(true), "0.0.0.0:10249", "127.0.0.1:10256", "/etc/sluice/kubeconfig",
                Duration.ofMinutes(5), "sluice"));
        assertThat(c.syncPeriod()).isEqualTo(Duration.ofSeconds(45));
        assertThat(loader.warnings()).isEmpty();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"kube-proxy-config.yaml", "kube-proxy-config-ipvs.yaml"})
    void theProjectsExamplesLoadWithoutWarnings(String name) throws Exception {
        ProxyConfig c = loader.load(Path.of("../examples", name), "ignored");
        assertThat(c.hostnameOverride()).isEqualTo("node-a");
        assertThat(c.mode()).isEqualTo(name.contains("ipvs") ? "ipvs" : "iptables");
        assertThat(loader.warnings()).isEmpty();
    }

    @Test
    void jsonIsAcceptedToo() throws Exception {
        ProxyConfig c = loader.parse("{\"apiVersion\": \"kubeproxy.config.k8s.io/v1alpha1\", "
                + "\"kind\": \"KubeProxyConfiguration\", \"mode\": \"ipvs\", \"ipvs\": {\"scheduler\": \"sh\"}}", "n");
        assertThat(c.mode()).isEqualTo("ipvs");
        assertThat(c.ipvs().scheduler()).isEqualTo("sh");
    }

    @Test
    void cidrsAreCanonicalisedAndBareBindAddressesGetTheDefaultPort() throws Exception {
        ProxyConfig c = load("""
                clusterCIDR: " 10.244.1.7/16 "
                nodePortAddresses: [primary]
                metricsBindAddress: 0.0.0.0
                healthzBindAddress: "[::]"
                """);
        assertThat(c.clusterCIDRs()).containsExactly("10.244.0.0/16");
        assertThat(c.nodePortAddresses()).containsExactly("primary");
        assertThat(c.metricsBindAddress()).isEqualTo("0.0.0.0:10249");
        assertThat(c.healthzBindAddress()).isEqualTo("[::]:10256");
    }

    @Test
    void anIpv6BindAddressMovesTheDefaultAddressesToIpv6() throws Exception {
        ProxyConfig c = load("bindAddress: \"::\"\n");
        assertThat(c.metricsBindAddress()).isEqualTo("[::1]:10249");
        assertThat(c.healthzBindAddress()).isEqualTo("[::]:10256");
    }

    @Test
    void unknownFieldsGetOneWarningEachNamingTheirPath() throws Exception {
        ProxyConfig c = load("""
                modes: ipvs
                iptables:
                  masqueradeBits: 3
                ipvs:
                  schedular: sh
                conntrack:
                  maxPerCore: 65536
                  tcpEstablishedTimeout: 0s
                  foo: 1
                featureGates:
                  SomeGate: true
                """);
        assertThat(c.mode()).isEqualTo("iptables");
        assertThat(loader.warnings()).containsExactlyInAnyOrder(
                "modes: unknown field, ignored",
                "iptables.masqueradeBits: unknown field, ignored",
                "ipvs.schedular: unknown field, ignored",
                "conntrack.maxPerCore: accepted and ignored (Sluice does not tune conntrack sysctls)",
                "conntrack.foo: unknown field, ignored",
                "featureGates: accepted and ignored (feature gates do not apply to Sluice)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            iptables:\\n  masqueradeBit: 40       | iptables.masqueradeBit: must be between 0 and 31, got 40
            iptables:\\n  masqueradeBit: -1       | iptables.masqueradeBit: must be between 0 and 31, got -1
            iptables:\\n  masqueradeBit: '14'     | iptables.masqueradeBit: must be an integer, got "14"
            iptables:\\n  masqueradeAll: 'yes'    | iptables.masqueradeAll: must be true or false, got "yes"
            iptables:\\n  syncPeriod: -5s         | iptables.syncPeriod: must be greater than 0, got -5s
            iptables:\\n  minSyncPeriod: -1s      | iptables.minSyncPeriod: must be greater than or equal to 0, got -1s
            iptables:\\n  minSyncPeriod: 1m       | iptables.minSyncPeriod: must be less than or equal to iptables.syncPeriod (30s), got 1m0s
            iptables:\\n  syncPeriod: 30          | iptables.syncPeriod: must be a duration such as "30s" or "1m0s", got 30
            iptables:\\n  syncPeriod: 30 s        | iptables.syncPeriod: must be a duration such as "30s" or "1m0s", got "30 s"
            ipvs:\\n  syncPeriod: 10s\\n  minSyncPeriod: 11s | ipvs.minSyncPeriod: must be less than or equal to ipvs.syncPeriod (10s), got 11s
            ipvs:\\n  scheduler: fifo         | ipvs.scheduler: must be one of rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq, mh, got "fifo"
            ipvs:\\n  excludeCIDRs: [10.0.0.0/33] | ipvs.excludeCIDRs: must be a list of CIDRs, got "10.0.0.0/33"
            ipvs:\\n  tcpTimeout: -1s         | ipvs.tcpTimeout: must be greater than or equal to 0, got -1s
            mode: kernelspace                 | mode: mode "kernelspace" is not supported by Sluice (supported: iptables, ipvs, nftables)
            mode: userspace                   | mode: must be one of "", iptables, ipvs, nftables, got "userspace"
            nftables:\\n  masqueradeBit: 32     | nftables.masqueradeBit: must be between 0 and 31, got 32
            clusterCIDR: 10.244.0.0           | clusterCIDR: must be a CIDR or a comma-separated dual-stack pair of CIDRs, got "10.244.0.0"
            clusterCIDR: 10.0.0.0/8,10.1.0.0/16 | clusterCIDR: at most one CIDR per IP family (a dual-stack pair), got "10.0.0.0/8,10.1.0.0/16"
            detectLocalMode: PodCIDR          | detectLocalMode: must be one of ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix, got "PodCIDR"
            detectLocalMode: BridgeInterface  | detectLocal.bridgeInterface: must be set when detectLocalMode is BridgeInterface, got ""
            detectLocalMode: InterfaceNamePrefix | detectLocal.interfaceNamePrefix: must be set when detectLocalMode is InterfaceNamePrefix, got ""
            detectLocal:\\n  bridgeInterface: 'a b' | detectLocal.bridgeInterface: must be a network interface name (at most 15 printable characters, no '/', quotes or spaces), got "a b"
            nodePortAddresses: [primary, 10.0.0.0/8] | nodePortAddresses[0]: "primary" cannot be combined with CIDRs, got [primary, 10.0.0.0/8]
            nodePortAddresses: [10.0.0.1]     | nodePortAddresses[0]: must be a CIDR or "primary", got "10.0.0.1"
            metricsBindAddress: localhost:10249 | metricsBindAddress: must be an IP address and port such as 0.0.0.0:10256, got "localhost:10249"
            healthzBindAddress: 0.0.0.0:70000 | healthzBindAddress: must be an IP address and port such as 0.0.0.0:10256, got "0.0.0.0:70000"
            bindAddress: nowhere              | bindAddress: must be an IP address, got "nowhere"
            configSyncPeriod: -1m             | configSyncPeriod: must be greater than 0, got -1m0s
            conntrack:\\n  tcpBeLiberal: 1    | conntrack.tcpBeLiberal: must be true or false, got 1
            iptables: []                      | iptables: must be an object, got []
            nodePortAddresses: 10.0.0.0/8     | nodePortAddresses: must be a list of strings, got "10.0.0.0/8"
            """)
    void invalidValuesNameTheFieldAndTheValue(String body, String message) {
        assertThatThrownBy(() -> load(body.replace("\\n", "\n") + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void wrongApiVersionOrKindIsRejected() {
        assertThatThrownBy(() -> loader.parse("apiVersion: v1\nkind: KubeProxyConfiguration\n", "n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("apiVersion: must be kubeproxy.config.k8s.io/v1alpha1, got \"v1\"")
                .extracting(e -> ((ConfigException) e).field()).isEqualTo("apiVersion");
        assertThatThrownBy(() -> loader.parse("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: ConfigMap\n", "n"))
                .hasMessage("kind: must be KubeProxyConfiguration, got \"ConfigMap\"");
        assertThatThrownBy(() -> loader.parse("mode: ipvs\n", "n"))
                .hasMessage("apiVersion: must be kubeproxy.config.k8s.io/v1alpha1, got \"\"");
    }

    @Test
    void malformedOrEmptyDocumentsAreRejected() {
        assertThatThrownBy(() -> loader.parse("", "n")).isInstanceOf(ConfigException.class)
                .hasMessage("the configuration is empty");
        assertThatThrownBy(() -> loader.parse("- a\n- b\n", "n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("the configuration must be an object");
        assertThatThrownBy(() -> loader.parse(HEADER + "mode: [\n", "n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("not valid YAML or JSON");
        assertThatThrownBy(() -> loader.parse(HEADER + "mode: ipvs\nmode: iptables\n", "n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mode");
    }

    @Test
    void aMissingFileIsAConfigException(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml"), "n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.yaml");
    }

    @Test
    void loadsFromAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.conf");
        Files.writeString(f, HEADER + "mode: ipvs\n");
        assertThat(loader.load(f, "n").mode()).isEqualTo("ipvs");
    }
}
