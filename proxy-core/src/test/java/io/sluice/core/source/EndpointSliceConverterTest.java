package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.sluice.core.model.EndpointSliceObject;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.SliceEndpoint;
import io.sluice.core.model.SlicePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.sluice.core.source.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointSliceConverterTest {
    private final RecordingListener listener = new RecordingListener();

    private Optional<EndpointSliceObject> convert(String proxyName, EndpointSlice s) {
        return new EndpointSliceConverter(new ProxyNameSelector(proxyName), listener).convert(s);
    }

    private EndpointSliceObject convert(EndpointSlice s) {
        return convert("", s).orElseThrow();
    }

    @Test
    void everyFieldIsKept() {
        EndpointSlice s = slice("ns1", "svc1-abc", "svc1")
                .editMetadata().addToAnnotations(EndpointSliceConverter.TRIGGER_TIME_ANNOTATION,
                        "2024-05-01T10:00:00Z").endMetadata()
                .addToEndpoints(new EndpointBuilder().withAddresses("10.180.0.01", "10.180.0.99")
                        .withNodeName("node-1").withZone("zone-a")
                        .withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions()
                        .withNewHints().addNewForZone("zone-a").addNewForZone("zone-b").addNewForNode("node-1")
                        .endHints().build())
                .build();
        EndpointSliceObject o = convert(s);

        assertThat(o.slice()).isEqualTo(new NamespacedName("ns1", "svc1-abc"));
        assertThat(o.serviceName()).isEqualTo("svc1");
        assertThat(o.service()).isEqualTo(new NamespacedName("ns1", "svc1"));
        assertThat(o.addressType()).isEqualTo(IpFamily.IPv4);
        assertThat(o.ports()).containsExactly(new SlicePort("p80", 8080, Protocol.TCP));
        assertThat(o.endpoints()).containsExactly(new SliceEndpoint("10.180.0.1", false, true, true, "node-1",
                "zone-a", Set.of("zone-a", "zone-b"), Set.of("node-1")));
        assertThat(o.lastChangeTriggerTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(listener.calls).isEmpty();
    }

    @Test
    void conditionsDefaultLikeTheApi() {
        EndpointSliceObject o = convert(slice("ns1", "s", "svc1", "10.0.0.1")
                .addToEndpoints(new EndpointBuilder().withAddresses("10.0.0.2").withNewConditions().endConditions()
                        .build()).build());
        assertThat(o.endpoints()).allSatisfy(e -> {
            assertThat(e.ready()).isTrue();
            assertThat(e.serving()).isTrue();
            assertThat(e.terminating()).isFalse();
            assertThat(e.nodeName()).isEmpty();
            assertThat(e.zone()).isEmpty();
            assertThat(e.zoneHints()).isEmpty();
        });
        assertThat(o.lastChangeTriggerTime()).isNull();
    }

    /**
     * kube-proxy pkg/proxy/endpointslicecache.go: a port without a number is "all ports" (unsupported, skipped
     * silently) and a port whose name field is nil is skipped with "Ignoring port with nil name"; an explicit ""
     * is the ordinary unnamed port.
     */
    @Test
    void portsWithoutNumberAreIgnoredAndNilNameIsIgnoredLikeKubeProxy() {
        EndpointSliceObject o = convert(slice("ns1", "s", "svc1", "10.0.0.1").withPorts()
                .addNewPort().withName(null).withPort(80).endPort()
                .addNewPort().withName("").withPort(81).endPort()
                .addNewPort().withName("zero").withPort(0).endPort()
                .addNewPort().withName("nil").endPort()
                .addNewPort().withName("dns").withPort(53).withProtocol("UDP").endPort()
                .build());
        assertThat(o.ports()).containsExactly(new SlicePort("", 81, Protocol.TCP),
                new SlicePort("dns", 53, Protocol.UDP));
        assertThat(listener.reasons()).containsExactly("invalid-endpoint-port");
    }

    @Test
    void ipv6SliceCanonicalisesAndDropsWrongFamily() {
        EndpointSliceObject o = convert(slice("ns1", "s", "svc1", "FD00::0001", "10.0.0.1")
                .withAddressType("IPv6").build());
        assertThat(o.endpoints()).extracting(SliceEndpoint::ip).containsExactly("fd00::1");
        assertThat(listener.reasons()).containsExactly("invalid-endpoint-address");
    }

    @Test
    void unparsableTriggerTimeIsIgnored() {
        EndpointSliceObject o = convert(slice("ns1", "s", "svc1", "10.0.0.1").editMetadata()
                .addToAnnotations(EndpointSliceConverter.TRIGGER_TIME_ANNOTATION, "yesterday").endMetadata().build());
        assertThat(o.lastChangeTriggerTime()).isNull();
    }

    static Stream<Arguments> ignored() {
        return Stream.of(
                Arguments.of("no service-name label", "", (UnaryOperator<EndpointSliceBuilder>) b -> b.editMetadata()
                        .withLabels(null).endMetadata()),
                Arguments.of("FQDN", "", (UnaryOperator<EndpointSliceBuilder>) b -> b.withAddressType("FQDN")),
                Arguments.of("headless label", "", (UnaryOperator<EndpointSliceBuilder>) b -> b.editMetadata()
                        .addToLabels(ProxyNameSelector.HEADLESS, "").endMetadata()),
                Arguments.of("other proxy", "", (UnaryOperator<EndpointSliceBuilder>) b -> b.editMetadata()
                        .addToLabels(ProxyNameSelector.SERVICE_PROXY_NAME, "other").endMetadata()),
                Arguments.of("not labelled for us", "sluice", (UnaryOperator<EndpointSliceBuilder>) b -> b));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ignored")
    void ignoredSlicesConvertToNothingWithoutReport(String description, String proxyName,
                                                    UnaryOperator<EndpointSliceBuilder> edit) {
        assertThat(convert(proxyName, edit.apply(slice("ns1", "s", "svc1", "10.0.0.1")).build())).isEmpty();
        assertThat(listener.calls).isEmpty();
    }

    static Stream<Arguments> hostileSlices() {
        return Stream.of(
                Arguments.of("quote in slice name", (UnaryOperator<EndpointSliceBuilder>) b -> b.editMetadata()
                        .withName("s\"1").endMetadata()),
                Arguments.of("newline in namespace", (UnaryOperator<EndpointSliceBuilder>) b -> b.editMetadata()
                        .withNamespace("ns\n1").endMetadata()),
                Arguments.of("shell in service-name label", (UnaryOperator<EndpointSliceBuilder>) b ->
                        b.editMetadata().addToLabels(EndpointSliceConverter.SERVICE_NAME_LABEL, "svc;reboot")
                                .endMetadata()),
                Arguments.of("empty service-name label", (UnaryOperator<EndpointSliceBuilder>) b ->
                        b.editMetadata().addToLabels(EndpointSliceConverter.SERVICE_NAME_LABEL, "").endMetadata()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileSlices")
    void hostileNamesRejectTheWholeSlice(String description, UnaryOperator<EndpointSliceBuilder> edit) {
        assertThat(convert("", edit.apply(slice("ns1", "s", "svc1", "10.0.0.1")).build())).isEmpty();
        assertThat(listener.reasons()).containsExactly("invalid-name");
        assertThat(listener.calls.get(0)).startsWith("EndpointSlice ").matches("[\\x20-\\x7e]*");
    }

    static Stream<Arguments> badParts() {
        return Stream.of(
                Arguments.of("malformed address", "invalid-endpoint-address",
                        (UnaryOperator<EndpointSliceBuilder>) b -> b.addToEndpoints(new EndpointBuilder()
                                .withAddresses("10.0.0.1; rm -rf /").build())),
                Arguments.of("host name as address", "invalid-endpoint-address",
                        (UnaryOperator<EndpointSliceBuilder>) b -> b.addToEndpoints(new EndpointBuilder()
                                .withAddresses("pod.example.com").build())),
                Arguments.of("no addresses", "invalid-endpoint-address",
                        (UnaryOperator<EndpointSliceBuilder>) b -> b.addToEndpoints(new EndpointBuilder().build())),
                Arguments.of("hostile node name", "invalid-endpoint-topology",
                        (UnaryOperator<EndpointSliceBuilder>) b -> b.addToEndpoints(new EndpointBuilder()
                                .withAddresses("10.0.0.9").withNodeName("node\"1").build())),
                Arguments.of("port 70000", "invalid-endpoint-port",
                        (UnaryOperator<EndpointSliceBuilder>) b -> b.addNewPort().withName("big").withPort(70000)
                                .endPort()),
                Arguments.of("negative port", "invalid-endpoint-port",
                        (UnaryOperator<EndpointSliceBuilder>) b -> b.addNewPort().withName("neg").withPort(-1)
                                .endPort()),
                Arguments.of("hostile port name", "invalid-endpoint-port",
                        (UnaryOperator<EndpointSliceBuilder>) b -> b.addNewPort().withName("p $(id)").withPort(81)
                                .endPort()),
                Arguments.of("unknown protocol", "invalid-endpoint-port",
                        (UnaryOperator<EndpointSliceBuilder>) b -> b.addNewPort().withName("x").withPort(81)
                                .withProtocol("ICMP").endPort()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badParts")
    void badEndpointsAndPortsAreSkippedAlone(String description, String reason,
                                             UnaryOperator<EndpointSliceBuilder> edit) {
        EndpointSliceObject o = convert(edit.apply(slice("ns1", "s", "svc1", "10.0.0.1")).build());
        assertThat(o.ports()).containsExactly(new SlicePort("p80", 8080, Protocol.TCP));
        assertThat(o.endpoints()).extracting(SliceEndpoint::ip).containsExactly("10.0.0.1");
        assertThat(listener.reasons()).containsExactly(reason);
    }
}
