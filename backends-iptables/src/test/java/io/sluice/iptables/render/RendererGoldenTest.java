package io.sluice.iptables.render;

import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.sluice.iptables.render.TestSnapshots.endpoint;
import static io.sluice.iptables.render.TestSnapshots.nodeInZone;
import static io.sluice.iptables.render.TestSnapshots.opts;
import static io.sluice.iptables.render.TestSnapshots.snapshot;
import static io.sluice.iptables.render.TestSnapshots.svc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table-driven golden payloads, one per feature (raw renderer output, which is deterministic). Regenerate with
 * {@code -Dsluice.updateGolden=true} and review the diff before committing. Every case is also a full sync that
 * must pass upstream's {@code checkIPTablesRuleJumps}.
 */
class RendererGoldenTest {
    private static final String DIR = "golden/";
    private static final boolean UPDATE = Boolean.getBoolean("sluice.updateGolden");

    record Case(String name, Supplier<String> payload) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String render(TestSnapshots.Opts o, ProxySnapshot s) {
        return new IptablesRenderer(o.build()).render(s, RenderRequest.full(Set.of())).payload();
    }

    /** A NodePort service with one endpoint: the base for the node-port cases. */
    static TestSnapshots.Svc nodePortSvc() {
        return svc("ns1", "svc1").nodePort(30080).ep("10.180.0.1", 8080);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("nodeport-addresses-cidrs", () -> render(opts().with(o -> o.nodePortAddresses =
                        List.of("192.168.0.0/24", "10.99.0.0/16", "fd00::/8")), snapshot(nodePortSvc()))),
                new Case("nodeport-addresses-with-loopback", () -> render(opts().with(o -> o.nodePortAddresses =
                        List.of("127.0.0.0/8", "192.168.0.0/16")), snapshot(nodePortSvc()))),
                new Case("nodeport-addresses-primary", () -> render(opts().with(o -> o.nodePortAddresses =
                        List.of("primary")), snapshot(nodePortSvc()))),
                new Case("localhost-nodeports-off", () -> render(opts().with(o -> o.localhostNodePorts = false),
                        snapshot(nodePortSvc()))),
                new Case("masquerade-all", () -> render(opts().with(o -> o.masqueradeAll = true),
                        snapshot(nodePortSvc()))),
                new Case("detector-cluster-cidr-etp-local", () -> render(opts(), snapshot(etpLocalSvc()))),
                new Case("detector-node-cidr", () -> render(opts().with(o -> o.detector =
                        new LocalDetector.NodeCidr("10.0.1.0/24")), snapshot(etpLocalSvc()))),
                new Case("detector-bridge", () -> render(opts().with(o -> o.detector =
                        new LocalDetector.BridgeInterface("cbr0")), snapshot(etpLocalSvc()))),
                new Case("detector-interface-prefix", () -> render(opts().with(o -> o.detector =
                        new LocalDetector.InterfaceNamePrefix("veth")), snapshot(etpLocalSvc()))),
                new Case("detector-noop", () -> render(opts().with(o -> o.detector = new LocalDetector.NoOp()),
                        snapshot(etpLocalSvc()))),
                new Case("itp-local-with-local-endpoints", () -> render(opts(), snapshot(
                        svc("ns1", "svc1").itpLocal().ep("10.180.0.1", 80).localEp("10.180.0.2", 80)))),
                new Case("itp-local-no-local-endpoints", () -> render(opts(), snapshot(
                        svc("ns1", "svc1").itpLocal().ep("10.180.0.1", 80)))),
                new Case("etp-local-with-local-endpoints", () -> render(opts(), snapshot(etpLocalSvc()))),
                new Case("etp-local-no-local-endpoints", () -> render(opts(), snapshot(
                        svc("ns1", "svc1").clusterIP("172.30.0.41").loadBalancer(30081, "1.2.3.4").etpLocal(30000)
                                .ep("10.180.0.1", 80)))),
                new Case("terminating-fallback", () -> render(opts(), snapshot(
                        svc("ns1", "svc1").ep(endpoint("10.180.0.1", 80, false, true, true, "", Set.of(), Set.of()))
                                .ep(endpoint("10.180.0.2", 80, false, false, true, "", Set.of(), Set.of())),
                        svc("ns2", "svc2").clusterIP("172.30.0.42").nodePort(30082).etpLocal(0)
                                .ep("10.180.0.3", 80)
                                .ep(endpoint("10.180.0.4", 80, false, true, true, TestSnapshots.NODE, Set.of(),
                                        Set.of())),
                        svc("ns3", "svc3").clusterIP("172.30.0.43")
                                .ep(endpoint("10.180.0.5", 80, false, false, false, "", Set.of(), Set.of()))))),
                new Case("topology-zone-hints", () -> render(opts(), snapshot(nodeInZone("zone-a"),
                        svc("ns1", "svc1").trafficDistribution("PreferClose")
                                .ep(endpoint("10.180.0.1", 80, true, true, false, "n1", Set.of("zone-a"), Set.of()))
                                .ep(endpoint("10.180.0.2", 80, true, true, false, "n2", Set.of("zone-b"), Set.of()))
                                .ep(endpoint("10.180.0.3", 80, true, true, false, "n3", Set.of("zone-a"), Set.of())),
                        svc("ns2", "svc2").clusterIP("172.30.0.42").trafficDistribution("PreferSameNode")
                                .ep(endpoint("10.180.1.1", 80, true, true, false, TestSnapshots.NODE,
                                        Set.of("zone-a"), Set.of(TestSnapshots.NODE)))
                                .ep(endpoint("10.180.1.2", 80, true, true, false, "n2", Set.of("zone-a"),
                                        Set.of("n2")))))),
                new Case("lb-source-ranges-node-ip-inside", () -> render(opts(), snapshot(
                        svc("ns1", "svc1").loadBalancer(30081, "1.2.3.4", "5.6.7.8")
                                .sourceRanges("192.168.0.0/16", "203.0.113.0/25").ep("10.180.0.1", 80)))),
                new Case("session-affinity", () -> render(opts(), snapshot(
                        svc("ns1", "svc1").affinity(300).ep("10.180.0.1", 80).ep("10.180.0.2", 80)
                                .ep("10.180.0.3", 80)))),
                new Case("udp-and-sctp", () -> render(opts(), snapshot(
                        svc("ns1", "dns").port("dns", Protocol.UDP, 53).nodePort(30053).ep("10.180.0.1", 53),
                        svc("ns1", "sig").clusterIP("172.30.0.42").port("", Protocol.SCTP, 3868)
                                .ep("10.180.0.2", 3868)))),
                new Case("no-endpoints", () -> render(opts(), snapshot(
                        svc("ns1", "svc1").loadBalancer(30081, "1.2.3.4").externalIPs("192.168.99.1")
                                .sourceRanges("203.0.113.0/25")))),
                new Case("random-fully", () -> render(opts().with(o -> o.randomFully = true),
                        snapshot(nodePortSvc()))),
                new Case("no-nfacct", () -> render(opts().with(o -> o.nfacct = false), snapshot(nodePortSvc()))),
                new Case("conntrack-tcp-be-liberal", () -> render(opts().with(o -> o.liberal = true),
                        snapshot(nodePortSvc()))),
                new Case("ipv6", () -> render(opts().ipv6(), snapshot(
                        svc("ns1", "svc1").clusterIP("fd00:172:30::41").loadBalancer(30081, "2001:db8::5")
                                .sourceRanges("2001:db8::/32").ep("fd00:10:244::1", 80)
                                .ep("fd00:10:244::a", 80)))),
                new Case("ipv6-nodeport-addresses", () -> render(opts().ipv6().with(o -> o.nodePortAddresses =
                        List.of("::/0", "127.0.0.0/8")), snapshot(
                        svc("ns1", "svc1").clusterIP("fd00:172:30::41").nodePort(30080)
                                .ep("fd00:10:244::1", 80)))),
                new Case("ipv6-nodeport-addresses-cidr", () -> render(opts().ipv6().with(o -> o.nodePortAddresses =
                        List.of("fd00:10::/64", "::1/128", "10.0.0.0/8")), snapshot(
                        svc("ns1", "svc1").clusterIP("fd00:172:30::41").nodePort(30080)
                                .ep("fd00:10:244::1", 80)))),
                new Case("dual-stack-ipv4", () -> render(opts(), dualStack())),
                new Case("dual-stack-ipv6", () -> render(opts().ipv6(), dualStack())));
    }

    /** LoadBalancer, eTP=Local, one local and one remote endpoint: KUBE-SVL + KUBE-EXT short-circuits. */
    static TestSnapshots.Svc etpLocalSvc() {
        return svc("ns1", "svc1").loadBalancer(30081, "1.2.3.4").etpLocal(30000).ep("10.180.0.1", 80)
                .localEp("10.180.0.2", 80);
    }

    static ProxySnapshot dualStack() {
        return snapshot(
                svc("ns1", "both").clusterIP("172.30.0.41", "fd00:172:30::41").nodePort(30080)
                        .ep("10.180.0.1", 80).ep("fd00:10:244::1", 80),
                svc("ns1", "v4only").clusterIP("172.30.0.42").ep("10.180.0.2", 80),
                svc("ns1", "v6only").clusterIP("fd00:172:30::43").ep("fd00:10:244::3", 80));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void payloadMatchesGolden(Case c) throws IOException {
        String payload = c.payload().get();
        assertThat(IptablesDump.checkRuleJumps(payload)).as("jump consistency").isEmpty();
        String resource = DIR + c.name() + ".txt";
        if (UPDATE) {
            Path p = Path.of("src/test/resources", resource);
            Files.createDirectories(p.getParent());
            Files.writeString(p, payload, StandardCharsets.UTF_8);
        }
        try (InputStream in = getClass().getResourceAsStream("/" + resource)) {
            assertThat(in).as("golden file " + resource + " (run with -Dsluice.updateGolden=true)").isNotNull();
            if (!UPDATE) {
                assertThat(payload).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }
}
