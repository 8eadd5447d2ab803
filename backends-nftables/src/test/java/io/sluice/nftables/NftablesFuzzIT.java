package io.sluice.nftables;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import io.sluice.nftables.exec.NftException;
import io.sluice.nftables.exec.ProcessNft;
import io.sluice.nftables.model.Field;
import io.sluice.nftables.model.Mark;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Transaction;
import io.sluice.nftables.model.Value;
import io.sluice.nftables.render.LocalTraffic;
import io.sluice.nftables.render.NftablesRenderOptions;
import io.sluice.nftables.render.NftablesRenderer;
import io.sluice.nftables.sync.CommittedState;
import io.sluice.nftables.sync.SyncPlanner;
import io.sluice.testsupport.PrivilegedTier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzed clusters (random names including hostile port names, both families, every policy, affinity, source ranges,
 * node ports, terminating endpoints) never produce a full-sync transaction that {@code nft --check} rejects, in a
 * network namespace of its own.
 */
class NftablesFuzzIT {
    private static final CommandRunner RUNNER = new ProcessCommandRunner();
    private static final String NS = "slnft-fuzz-" + ProcessHandle.current().pid() % 100000;

    @BeforeContainer
    static void namespace() {
        PrivilegedTier.require("ip", "nft");
        RUNNER.run(List.of("ip", "netns", "del", NS));
        assertThat(RUNNER.run(List.of("ip", "netns", "add", NS)).exitCode()).isZero();
    }

    @AfterContainer
    static void cleanup() {
        RUNNER.run(List.of("ip", "netns", "del", NS));
    }

    record Fuzzed(ProxySnapshot snapshot, boolean ipv6) {
    }

    @Property(tries = 12)
    void everyFuzzedClusterRendersATransactionNftAccepts(@ForAll("clusters") Fuzzed c) throws NftException {
        NftFamily family = c.ipv6() ? NftFamily.IP6 : NftFamily.IP;
        LocalTraffic detector = new LocalTraffic(Field.SADDR,
                new Value.Prefix(c.ipv6() ? "fd00:244::/48" : "10.244.0.0/16"));
        NftablesRenderOptions o = new NftablesRenderOptions(family, Snapshots.NODE, Mark.ofBit(14), false, detector,
                List.of());
        Transaction tx = SyncPlanner.plan(new NftablesRenderer(o, new RecordingMetrics()).render(c.snapshot()),
                CommittedState.EMPTY, true, true, Set.of(), Set.of(), Set.of(), Instant.EPOCH).transaction();

        new ProcessNft(RUNNER, List.of("ip", "netns", "exec", NS)).check(tx);
    }

    @Provide
    Arbitrary<Fuzzed> clusters() {
        return Arbitraries.of(false, true).flatMap(v6 -> servicePorts(v6).list().ofMinSize(1).ofMaxSize(12)
                .map(ports -> {
                    TreeMap<ServicePortName, ServicePort> services = new TreeMap<>();
                    TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>();
                    for (Object[] p : ports) {
                        ServicePort sp = (ServicePort) p[0];
                        services.put(sp.name(), sp);
                        @SuppressWarnings("unchecked")
                        List<Endpoint> list = (List<Endpoint>) p[1];
                        eps.put(sp.name(), list);
                    }
                    io.sluice.core.model.NodeInfo node = new io.sluice.core.model.NodeInfo(Snapshots.NODE,
                            List.of("192.168.0.2", "2001:db8::2"), new TreeMap<>(), false);
                    return new Fuzzed(new ProxySnapshot(services, eps, node,
                            List.of("10.96.0.0/16", "fd00:96::/108")), v6);
                }));
    }

    private static Arbitrary<Object[]> servicePorts(boolean v6) {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcxyz0123-").ofMinLength(1).ofMaxLength(20)
                .map(s -> "n" + s + "z");
        Arbitrary<String> portName = Arbitraries.oneOf(label, Arbitraries.of("", "http", "p\"x", "a b", "x;y", "é",
                "{", "-dash", "@at"));
        Arbitrary<String> ip = Arbitraries.integers().between(1, 250)
                .map(i -> v6 ? "fd00:96::" + Integer.toHexString(i) : "10.96.0." + i);
        Arbitrary<Endpoint> ep = Combinators.combine(Arbitraries.integers().between(1, 250),
                Arbitraries.integers().between(1, 65535), Arbitraries.of(Snapshots.NODE, "node-b"),
                Arbitraries.of(true, false), Arbitraries.of(true, false)).as((i, port, node, ready, term) ->
                new Endpoint(v6 ? "fd00:244::" + Integer.toHexString(i) : "10.244.1." + i, port, ready, true,
                        term, node, "", Set.of(), Set.of()));
        return Combinators.combine(label, label, portName, Arbitraries.of(Protocol.values()), ip,
                Arbitraries.integers().between(0, 32767), Arbitraries.of(TrafficPolicy.values()),
                Arbitraries.of(TrafficPolicy.values())).flatAs((ns, name, port, proto, cip, np, etp, itp) ->
                Combinators.combine(Arbitraries.of(0, 10, 10800), ep.list().ofMaxSize(4), Arbitraries.of(true, false))
                        .as((aff, endpoints, lb) -> {
                            ServiceType type = lb ? ServiceType.LoadBalancer : np > 0 ? ServiceType.NodePort
                                    : ServiceType.ClusterIP;
                            List<String> lbIPs = lb ? List.of(v6 ? "2001:db8:99::7" : "203.0.113.7") : List.of();
                            List<String> ranges = lb ? List.of(v6 ? "2001:db8::/64" : "192.168.0.0/24",
                                    v6 ? "2001:db8:5::/48" : "198.51.100.0/24") : List.of();
                            int nodePort = np > 0 ? 30000 + np % 2767 : 0;
                            ServicePort sp = new ServicePort(ServicePortName.of(ns, name, port, proto), type,
                                    List.of(cip), 80, nodePort, List.of(v6 ? "2001:db8:77::1" : "198.51.100.77"),
                                    lbIPs, ranges, nodePort > 0 || lb ? etp : TrafficPolicy.Cluster, itp,
                                    aff == 0 ? SessionAffinity.NONE : new SessionAffinity(aff), 0, "");
                            return new Object[] {sp, new ArrayList<>(endpoints)};
                        }));
    }
}
