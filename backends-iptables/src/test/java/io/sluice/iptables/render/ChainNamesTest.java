package io.sluice.iptables.render;

import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServicePortName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChainNamesTest {

    @ParameterizedTest
    @CsvSource({
            "ns1,svc1,p80,XPGD46QRK7WJZT7O", "ns2,svc2,p80,GNZBNJ2PO5MGZ6GT", "ns3,svc3,p80,X27LE4BHSL4DOUIK",
            "ns4,svc4,p80,4SW47YFZTEDKD3PK", "ns5,svc5,p80,NUKIZ6OKUXPJNT4C", "ns2,svc2,p8080,2VJB64SDSIJUP5T6"})
    void servicePortHashesMatchUpstreamVectors(String ns, String name, String port, String hash) {
        ServicePortName spn = ServicePortName.of(ns, name, port, Protocol.TCP);
        assertThat(ChainNames.serviceChain(spn)).isEqualTo("KUBE-SVC-" + hash);
        assertThat(ChainNames.localChain(spn)).isEqualTo("KUBE-SVL-" + hash);
        assertThat(ChainNames.externalChain(spn)).isEqualTo("KUBE-EXT-" + hash);
        assertThat(ChainNames.firewallChain(spn)).isEqualTo("KUBE-FW-" + hash);
    }

    @ParameterizedTest
    @CsvSource({"ns1,svc1,10.180.0.1:80,SXIVWICOYRO3J4NJ", "ns5,svc5,10.180.0.3:80,I77PXRDZVX7PMWMN",
            "ns1,svc1,10.0.1.1:80,SNQ3ZNILQDEJNDQO"})
    void endpointHashesMatchUpstreamVectors(String ns, String name, String ipPort, String hash) {
        assertThat(ChainNames.endpointChain(ServicePortName.of(ns, name, "p80", Protocol.TCP), ipPort))
                .isEqualTo("KUBE-SEP-" + hash);
    }

    @Test
    void serviceChainPrefixesExcludeKubeletFirewall() {
        assertThat(ChainNames.isServiceChain("KUBE-FW-ABC")).isTrue();
        assertThat(ChainNames.isServiceChain("KUBE-SEP-ABC")).isTrue();
        assertThat(ChainNames.isServiceChain("KUBE-FIREWALL")).isFalse();
        assertThat(ChainNames.isServiceChain("KUBE-SERVICES")).isFalse();
    }

    @Test
    void probabilitiesRoundHalfEvenLikeGo() {
        assertThat(Probabilities.of(2)).isEqualTo("0.5000000000");
        assertThat(Probabilities.of(3)).isEqualTo("0.3333333333");
        assertThat(Probabilities.of(2048)).isEqualTo("0.0004882812");
        assertThat(Probabilities.of(100001)).isEqualTo("0.0000099999");
    }
}
