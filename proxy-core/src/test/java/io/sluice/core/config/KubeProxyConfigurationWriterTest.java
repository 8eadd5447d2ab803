package io.sluice.core.config;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KubeProxyConfigurationWriterTest {

    private final KubeProxyConfigurationLoader loader = new KubeProxyConfigurationLoader();

    @Test
    void writesTheDefaultsDeterministicallyInAlphabeticalOrder() throws Exception {
        String yaml = KubeProxyConfigurationWriter.toYaml(ProxyConfig.defaults("node-a"));
        assertThat(yaml).isEqualTo("""
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                clientConnection:
                  kubeconfig: ""
                clusterCIDR: ""
                configSyncPeriod: 15m0s
                conntrack:
                  tcpBeLiberal: false
                detectLocal:
                  bridgeInterface: ""
                  interfaceNamePrefix: ""
                detectLocalMode: ClusterCIDR
                healthzBindAddress: 0.0.0.0:10256
                hostnameOverride: node-a
                iptables:
                  localhostNodePorts: true
                  masqueradeAll: false
                  masqueradeBit: 14
                  minSyncPeriod: 1s
                  syncPeriod: 30s
                ipvs:
                  excludeCIDRs: []
                  minSyncPeriod: 0s
                  scheduler: rr
                  strictARP: false
                  syncPeriod: 30s
                  tcpFinTimeout: 0s
                  tcpTimeout: 0s
                  udpTimeout: 0s
                kind: KubeProxyConfiguration
                metricsBindAddress: 127.0.0.1:10249
                mode: iptables
                nodePortAddresses: []
                """);
        assertThat(KubeProxyConfigurationWriter.toYaml(ProxyConfig.defaults("node-a"))).isEqualTo(yaml);
        assertThat(loader.parse(yaml, "other")).isEqualTo(ProxyConfig.defaults("node-a"));
        assertThat(loader.warnings()).isEmpty();
    }

    @Test
    void aFullConfigurationRoundTrips() throws Exception {
        ProxyConfig c = new ProxyConfig("ipvs", "worker-1", List.of("10.244.0.0/16", "fd00:10:244::/56"),
                "InterfaceNamePrefix", new ProxyConfig.DetectLocal("", "veth"), List.of("192.168.0.0/16"),
                new ProxyConfig.Iptables(3, true, false, Duration.ofMinutes(1), Duration.ofMillis(1500)),
                new ProxyConfig.Ipvs("mh", Duration.ofSeconds(45), Duration.ZERO, true,
                        List.of("10.0.0.0/8", "2001:db8::/32"), Duration.ofSeconds(3723), Duration.ofSeconds(30),
                        Duration.ofMillis(10)),
                new ProxyConfig.Conntrack(true), "[::1]:10249", "0.0.0.0:0", "/k/config",
                Duration.ofMinutes(5), "sluice");
        String yaml = KubeProxyConfigurationWriter.toYaml(c);
        assertThat(loader.parse(yaml, "x")).isEqualTo(c);
        assertThat(loader.warnings()).isEmpty();
    }

    @Property(tries = 50)
    void writeThenLoadGivesAnEqualConfig(@ForAll("configs") ProxyConfig c) throws Exception {
        assertThat(loader.parse(KubeProxyConfigurationWriter.toYaml(c), "ignored")).isEqualTo(c);
    }

    @Provide
    Arbitrary<ProxyConfig> configs() {
        Arbitrary<Duration> positive = Arbitraries.longs().between(1, 7_200_000).map(Duration::ofMillis);
        Arbitrary<ProxyConfig.Iptables> ipt = Combinators.combine(Arbitraries.integers().between(0, 31),
                        Arbitraries.of(true, false), Arbitraries.of(true, false), positive)
                .as((bit, all, local, sync) -> new ProxyConfig.Iptables(bit, all, local, sync.plusSeconds(2),
                        Duration.ofSeconds(1)));
        Arbitrary<ProxyConfig.Ipvs> ipvs = Combinators.combine(
                        Arbitraries.of(KubeProxyConfigurationLoader.IPVS_SCHEDULERS), positive,
                        Arbitraries.of(true, false), Arbitraries.longs().between(0, 100_000))
                .as((sched, sync, arp, t) -> new ProxyConfig.Ipvs(sched, sync, Duration.ZERO, arp,
                        List.of("10.0.0.0/8"), Duration.ofNanos(t * 1_000_003L), Duration.ofMillis(t),
                        Duration.ofSeconds(t)));
        return Combinators.combine(Arbitraries.of("iptables", "ipvs", "nftables"),
                        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20),
                        ipt, ipvs, Arbitraries.of(true, false), Arbitraries.of("", "sluice", "true", "0", "1e3", "0x10",
                                "yes", "null", "~", "- a", "#x", "a: b", "'q'", "\"d\"", ".inf", "2026-01-01", "on"))
                .as((mode, host, i, v, liberal, spn) -> new ProxyConfig(mode, host, List.of("10.244.0.0/16"),
                        "ClusterCIDR", ProxyConfig.DetectLocal.NONE, List.of("primary"), i, v,
                        new ProxyConfig.Conntrack(liberal), "127.0.0.1:10249", "0.0.0.0:10256", "",
                        Duration.ofMinutes(15), spn));
    }
}
