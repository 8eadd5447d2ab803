package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServiceObject;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.sluice.core.source.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceConverterTest {
    private final RecordingListener listener = new RecordingListener();

    private ServiceObject convert(Service svc) {
        return convert("", svc);
    }

    private ServiceObject convert(String proxyName, Service svc) {
        return new ServiceConverter(new ProxyNameSelector(proxyName), listener).convert(svc).orElseThrow();
    }

    private ServicePort onlyPort(Service svc) {
        ServiceObject so = convert(svc);
        assertThat(so.ports()).hasSize(1);
        assertThat(listener.calls).isEmpty();
        return so.ports().get(0);
    }

    @Test
    void clusterIPServiceKeepsEveryField() {
        ServicePort p = onlyPort(service("ns1", "svc1", "172.30.0.041").build());

        assertThat(p.name()).isEqualTo(ServicePortName.of("ns1", "svc1", "p80", Protocol.TCP));
        assertThat(p.type()).isEqualTo(ServiceType.ClusterIP);
        assertThat(p.clusterIPs()).containsExactly("172.30.0.41"); // ParseIPSloppy
        assertThat(p.port()).isEqualTo(80);
        assertThat(p.nodePort()).isZero();
        assertThat(p.externalIPs()).isEmpty();
        assertThat(p.loadBalancerIPs()).isEmpty();
        assertThat(p.loadBalancerSourceRanges()).isEmpty();
        assertThat(p.externalTrafficPolicy()).isEqualTo(TrafficPolicy.Cluster);
        assertThat(p.internalTrafficPolicy()).isEqualTo(TrafficPolicy.Cluster);
        assertThat(p.affinity()).isEqualTo(SessionAffinity.NONE);
        assertThat(p.healthCheckNodePort()).isZero();
        assertThat(p.trafficDistribution()).isEmpty();
    }

    @Test
    void dualStackClusterIPsComeFromClusterIPsCanonical() {
        ServicePort p = onlyPort(service("ns1", "svc1", "172.30.0.41").editSpec()
                .withClusterIPs("172.30.0.41", "FD00:0:0::0001").endSpec().build());
        assertThat(p.clusterIPs()).containsExactly("172.30.0.41", "fd00::1");
    }

    @Test
    void loadBalancerServiceKeepsLbFields() {
        Service svc = service("ns1", "svc1", "172.30.0.41").editSpec()
                .withType("LoadBalancer").withExternalTrafficPolicy("Local").withHealthCheckNodePort(30000)
                .withLoadBalancerSourceRanges(" 203.0.113.1/25 ", "192.168.001.0/24")
                .withExternalIPs("192.168.99.011")
                .editFirstPort().withNodePort(3001).endPort().endSpec()
                .withNewStatus().withNewLoadBalancer()
                .addNewIngress().withIp("1.2.3.4").endIngress()
                .addNewIngress().withIp("5.6.7.8").withIpMode("Proxy").endIngress()
                .addNewIngress().withHostname("lb.example.com").endIngress()
                .addNewIngress().withIp("9.9.9.9").withIpMode("VIP").endIngress()
                .endLoadBalancer().endStatus().build();
        ServicePort p = onlyPort(svc);

        assertThat(p.type()).isEqualTo(ServiceType.LoadBalancer);
        assertThat(p.nodePort()).isEqualTo(3001);
        assertThat(p.loadBalancerIPs()).containsExactly("1.2.3.4", "9.9.9.9");
        assertThat(p.loadBalancerSourceRanges()).containsExactly("203.0.113.0/25", "192.168.1.0/24");
        assertThat(p.externalIPs()).containsExactly("192.168.99.11");
        assertThat(p.externalTrafficPolicy()).isEqualTo(TrafficPolicy.Local);
        assertThat(p.healthCheckNodePort()).isEqualTo(30000);
    }

    static Stream<Arguments> externalPolicyCases() {
        return Stream.of(
                // type, externalIPs, eTP in spec -> eTP in model, healthCheckNodePort kept
                Arguments.of("ClusterIP", List.of(), "Local", TrafficPolicy.Cluster, 0),
                Arguments.of("ClusterIP", List.of("1.1.1.1"), "Local", TrafficPolicy.Local, 0),
                Arguments.of("NodePort", List.of(), "Local", TrafficPolicy.Local, 0),
                Arguments.of("LoadBalancer", List.of(), "Local", TrafficPolicy.Local, 30000),
                Arguments.of("LoadBalancer", List.of(), "Cluster", TrafficPolicy.Cluster, 0),
                Arguments.of("LoadBalancer", List.of(), null, TrafficPolicy.Cluster, 0));
    }

    @ParameterizedTest
    @MethodSource("externalPolicyCases")
    void externalPolicyLocalOnlyWhenExternallyAccessibleAtApiLevel(String type, List<String> externalIPs,
                                                                    String etp, TrafficPolicy expected, int hcnp) {
        ServicePort p = onlyPort(service("ns1", "svc1", "10.0.0.1").editSpec().withType(type)
                .withExternalIPs(externalIPs).withExternalTrafficPolicy(etp).withHealthCheckNodePort(30000)
                .endSpec().build());
        assertThat(p.externalTrafficPolicy()).isEqualTo(expected);
        assertThat(p.healthCheckNodePort()).isEqualTo(hcnp);
    }

    @Test
    void internalTrafficPolicyAffinityAndTrafficDistribution() {
        ServicePort p = onlyPort(service("ns1", "svc1", "10.0.0.1").editSpec()
                .withInternalTrafficPolicy("Local").withSessionAffinity("ClientIP")
                .withTrafficDistribution("PreferClose").endSpec().build());
        assertThat(p.internalTrafficPolicy()).isEqualTo(TrafficPolicy.Local);
        assertThat(p.affinity()).isEqualTo(new SessionAffinity(SessionAffinity.DEFAULT_TIMEOUT_SECONDS));
        assertThat(p.trafficDistribution()).isEqualTo("PreferClose");

        ServicePort q = onlyPort(service("ns1", "svc1", "10.0.0.1").editSpec()
                .withSessionAffinity("ClientIP").withNewSessionAffinityConfig().withNewClientIP()
                .withTimeoutSeconds(60).endClientIP().endSessionAffinityConfig().endSpec().build());
        assertThat(q.affinity().timeoutSeconds()).isEqualTo(60);
    }

    @Test
    void portsKeepSpecOrderWithProtocolDefaultAndEmptyName() {
        Service svc = service("ns1", "svc1", "10.0.0.1").editSpec()
                .editFirstPort().withName("").withProtocol(null).endPort()
                .addNewPort().withName("dns").withPort(53).withProtocol("UDP").endPort()
                .addNewPort().withName("sctp").withPort(9).withProtocol("SCTP").endPort()
                .endSpec().build();
        ServiceObject so = convert(svc);
        assertThat(so.ports()).extracting(ServicePort::name).containsExactly(
                ServicePortName.of("ns1", "svc1", "", Protocol.TCP),
                ServicePortName.of("ns1", "svc1", "dns", Protocol.UDP),
                ServicePortName.of("ns1", "svc1", "sctp", Protocol.SCTP));
        assertThat(listener.calls).isEmpty();
    }

    @Test
    void missingNamespaceMeansDefault() {
        Service svc = service("ns1", "svc1", "10.0.0.1").editMetadata().withNamespace(null).endMetadata().build();
        assertThat(convert(svc).name()).isEqualTo(new NamespacedName("default", "svc1"));
    }

    static Stream<Arguments> ignored() {
        return Stream.of(
                Arguments.of("no cluster IP", "", (UnaryOperator<ServiceBuilder>) b -> b.editSpec()
                        .withClusterIP("").endSpec()),
                Arguments.of("null cluster IP", "", (UnaryOperator<ServiceBuilder>) b -> b.editSpec()
                        .withClusterIP(null).endSpec()),
                Arguments.of("headless (None)", "", (UnaryOperator<ServiceBuilder>) b -> b.editSpec()
                        .withClusterIP("None").withClusterIPs("None").endSpec()),
                Arguments.of("ExternalName", "", (UnaryOperator<ServiceBuilder>) b -> b.editSpec()
                        .withType("ExternalName").withExternalName("example.com").endSpec()),
                Arguments.of("headless label", "", (UnaryOperator<ServiceBuilder>) b -> b.editMetadata()
                        .addToLabels(ProxyNameSelector.HEADLESS, "").endMetadata()),
                Arguments.of("another proxy's label, no proxy name", "", (UnaryOperator<ServiceBuilder>) b ->
                        b.editMetadata().addToLabels(ProxyNameSelector.SERVICE_PROXY_NAME, "other").endMetadata()),
                Arguments.of("no label, proxy name set", "sluice", (UnaryOperator<ServiceBuilder>) b -> b),
                Arguments.of("another proxy's label, proxy name set", "sluice", (UnaryOperator<ServiceBuilder>) b ->
                        b.editMetadata().addToLabels(ProxyNameSelector.SERVICE_PROXY_NAME, "other").endMetadata()),
                Arguments.of("own label but headless", "sluice", (UnaryOperator<ServiceBuilder>) b ->
                        b.editMetadata().addToLabels(ProxyNameSelector.SERVICE_PROXY_NAME, "sluice")
                                .addToLabels(ProxyNameSelector.HEADLESS, "").endMetadata()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ignored")
    void ignoredServicesAreDeliveredWithoutPortsAndNotReported(String description, String proxyName,
                                                               UnaryOperator<ServiceBuilder> edit) {
        ServiceObject so = convert(proxyName, edit.apply(service("ns1", "svc1", "10.0.0.1")).build());
        assertThat(so.name()).isEqualTo(new NamespacedName("ns1", "svc1"));
        assertThat(so.ports()).isEmpty();
        assertThat(listener.calls).isEmpty();
    }

    @Test
    void ownProxyNameLabelIsServed() {
        Service svc = service("ns1", "svc1", "10.0.0.1").editMetadata()
                .addToLabels(ProxyNameSelector.SERVICE_PROXY_NAME, "sluice").endMetadata().build();
        assertThat(convert("sluice", svc).ports()).hasSize(1);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                bad("invalid cluster IP", "invalid-cluster-ip", b -> b.editSpec().withClusterIP("1.2.3").endSpec()),
                bad("invalid entry in clusterIPs", "invalid-cluster-ip", b -> b.editSpec()
                        .withClusterIPs("10.0.0.1", "fd00::zz").endSpec()),
                bad("two IPv4 cluster IPs", "invalid-cluster-ip", b -> b.editSpec()
                        .withClusterIPs("10.0.0.1", "10.0.0.2").endSpec()),
                bad("port 0", "invalid-port", b -> b.editSpec().editFirstPort().withPort(0).endPort().endSpec()),
                bad("port 70000", "invalid-port", b -> b.editSpec().editFirstPort().withPort(70000).endPort()
                        .endSpec()),
                bad("no port number", "invalid-port", b -> b.editSpec().editFirstPort().withPort(null).endPort()
                        .endSpec()),
                bad("unknown protocol", "invalid-port", b -> b.editSpec().editFirstPort().withProtocol("ICMP")
                        .endPort().endSpec()),
                bad("duplicate port", "invalid-port", b -> b.editSpec().addNewPort().withName("p80").withPort(81)
                        .endPort().endSpec()),
                bad("nodePort 70000", "invalid-node-port", b -> b.editSpec().withType("NodePort").editFirstPort()
                        .withNodePort(70000).endPort().endSpec()),
                bad("negative nodePort", "invalid-node-port", b -> b.editSpec().withType("NodePort")
                        .editFirstPort().withNodePort(-1).endPort().endSpec()),
                bad("healthCheckNodePort 99999", "invalid-node-port", b -> b.editSpec().withType("LoadBalancer")
                        .withExternalTrafficPolicy("Local").withHealthCheckNodePort(99999).endSpec()),
                bad("shell in externalIPs", "invalid-external-ip", b -> b.editSpec()
                        .withExternalIPs("1.2.3.4; rm -rf /").endSpec()),
                bad("hostname as LB IP", "invalid-load-balancer-ip", b -> b.withNewStatus().withNewLoadBalancer()
                        .addNewIngress().withIp("lb.example.com").endIngress().endLoadBalancer().endStatus()),
                bad("prefix 33", "invalid-source-range", b -> b.editSpec().withType("LoadBalancer")
                        .withLoadBalancerSourceRanges("1.2.3.4/33").endSpec()),
                bad("range without prefix", "invalid-source-range", b -> b.editSpec()
                        .withLoadBalancerSourceRanges("1.2.3.4").endSpec()),
                bad("upper-case namespace", "invalid-name", b -> b.editMetadata().withNamespace("Bad").endMetadata()),
                bad("space in name", "invalid-name", b -> b.editMetadata().withName("svc 1").endMetadata()),
                bad("newline in name", "invalid-name", b -> b.editMetadata().withName("svc\n1").endMetadata()),
                bad("quote in name", "invalid-name", b -> b.editMetadata().withName("svc\"1").endMetadata()),
                bad("dollar in namespace", "invalid-name", b -> b.editMetadata().withNamespace("$ns").endMetadata()),
                bad("control char in name", "invalid-name", b -> b.editMetadata().withName("svc\u00071")
                        .endMetadata()),
                bad("64-char name", "invalid-name", b -> b.editMetadata().withName("a".repeat(64)).endMetadata()),
                bad("semicolon in port name", "invalid-name", b -> b.editSpec().editFirstPort().withName("p;80")
                        .endPort().endSpec()),
                bad("space in port name", "invalid-name", b -> b.editSpec().editFirstPort().withName("p 80")
                        .endPort().endSpec()),
                bad("quote in port name", "invalid-name", b -> b.editSpec().editFirstPort().withName("p'80")
                        .endPort().endSpec()),
                bad("unknown type", "invalid-type", b -> b.editSpec().withType("Weird").endSpec()),
                bad("affinity timeout 0", "invalid-session-affinity", b -> b.editSpec().withSessionAffinity("ClientIP")
                        .withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(0).endClientIP()
                        .endSessionAffinityConfig().endSpec()),
                bad("hostile trafficDistribution", "invalid-traffic-distribution", b -> b.editSpec()
                        .withTrafficDistribution("Prefer\"Close").endSpec()));
    }

    private static Arguments bad(String description, String reason, UnaryOperator<ServiceBuilder> edit) {
        return Arguments.of(description, reason, edit);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void badServicesAreReportedAndDeliveredAbsent(String description, String reason,
                                                  UnaryOperator<ServiceBuilder> edit) {
        Service svc = edit.apply(service("ns1", "svc1", "10.0.0.1")).build();
        ServiceObject so = convert(svc);

        assertThat(so.ports()).as("delivered absent").isEmpty();
        assertThat(listener.reasons()).containsExactly(reason);
        assertThat(listener.calls.get(0)).startsWith("Service ");
        // The object name handed to the listener is printable: no control characters.
        assertThat(listener.calls.get(0)).matches("[\\x20-\\x7e]*");
    }

    @Test
    void unnamedServiceIsReportedAndNotDelivered() {
        Service svc = service("ns1", "svc1", "10.0.0.1").editMetadata().withName(null).endMetadata().build();
        assertThat(new ServiceConverter(new ProxyNameSelector(""), listener).convert(svc)).isEmpty();
        assertThat(listener.reasons()).containsExactly("invalid-name");
    }

    @Test
    void selectorTextMatchesKubeProxyAndKpng() {
        assertThat(new ProxyNameSelector("").asLabelSelector())
                .isEqualTo("!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless");
        assertThat(new ProxyNameSelector("x").asLabelSelector())
                .isEqualTo("service.kubernetes.io/service-proxy-name=x,!service.kubernetes.io/headless");
        assertThat(new ProxyNameSelector("x").matches(Map.of(ProxyNameSelector.SERVICE_PROXY_NAME, "x"))).isTrue();
        assertThat(new ProxyNameSelector("").matches(null)).isTrue();
        assertThatThrownBy(() -> new ProxyNameSelector("x,!other")).isInstanceOf(IllegalArgumentException.class);
    }
}
