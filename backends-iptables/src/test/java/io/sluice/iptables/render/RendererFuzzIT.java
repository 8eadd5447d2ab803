package io.sluice.iptables.render;

import io.sluice.testsupport.PrivilegedTier;
import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Privileged fuzz: random snapshots (names, ports, protocols, families, policies, affinity, hints, source ranges,
 * terminating states) and random options are rendered, and every payload must pass
 * {@code iptables-restore --test --noflush} ({@code ip6tables-restore} for IPv6) inside network namespace
 * {@value #NETNS}. Payloads without nfacct matches are also really applied there (the namespace's tables, never the
 * host's), which additionally catches dangling jumps that {@code --test} does not see.
 */
@AddLifecycleHook(RendererFuzzIT.PrivilegedGate.class)
class RendererFuzzIT {
    static final String NETNS = "slrn-fuzz";
    static final String[] TOOLS = {"ip", "iptables-restore", "ip6tables-restore", "iptables-save", "ip6tables-save"};

    /**
     * jqwik's way to skip a container: without root or a tool the whole class is skipped with a loud message, unless
     * SLUICE_REQUIRE_PRIVILEGED=1, in which case it runs and {@link #createNamespace()} fails it.
     */
    static final class PrivilegedGate implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            String missing = PrivilegedTier.missing(TOOLS);
            if (missing == null || PrivilegedTier.required()) {
                return SkipResult.doNotSkip();
            }
            System.err.println("*** " + missing + " ***");
            return SkipResult.skip(missing);
        }
    }
    private static final CommandRunner RUN = new ProcessCommandRunner();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    record Scenario(RenderOptions options, ProxySnapshot snapshot) {
        @Override
        public String toString() {
            return options + "\n" + snapshot.services().values() + "\n" + snapshot.endpoints();
        }
    }

    @BeforeContainer
    static void createNamespace() {
        PrivilegedTier.require(TOOLS);
        RUN.run(List.of("ip", "netns", "del", NETNS));
        CommandRunner.CommandResult r = RUN.run(List.of("ip", "netns", "add", NETNS));
        assertThat(r.ok()).as("ip netns add: " + r.stderr()).isTrue();
    }

    @AfterContainer
    static void deleteNamespace() {
        if (PrivilegedTier.isRoot()) {
            RUN.run(List.of("ip", "netns", "del", NETNS));
        }
    }

    @Property(tries = 100, edgeCases = EdgeCasesMode.MIXIN, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void everyRenderedPayloadIsAcceptedByIptablesRestore(@ForAll("scenarios") Scenario scenario) {
        RenderedRules rules = new IptablesRenderer(scenario.options()).render(scenario.snapshot(),
                RenderRequest.full(Set.of()));
        assertThat(rules.skippedServicePorts()).as("generated values are valid").isEmpty();
        String restore = scenario.options().family() == IpFamily.IPv6 ? "ip6tables-restore" : "iptables-restore";
        String payload = rules.payload();

        CommandRunner.CommandResult test = RUN.run(List.of("ip", "netns", "exec", NETNS, restore, "--test",
                "--noflush"), payload, TIMEOUT);
        assertThat(test.exitCode()).as(restore + " --test rejected the payload: " + test.stderr() + "\n" + payload)
                .isZero();
        if (!scenario.options().nfacctCtStateInvalid()) {
            // nfacct objects do not exist in the namespace; everything else is applied for real (flushing the
            // namespace's own filter and nat tables first, so tries do not interfere).
            CommandRunner.CommandResult apply = RUN.run(List.of("ip", "netns", "exec", NETNS, restore), payload,
                    TIMEOUT);
            assertThat(apply.exitCode()).as(restore + " rejected the payload: " + apply.stderr() + "\n" + payload)
                    .isZero();
        }
        assertThat(IptablesDump.checkRuleJumps(payload)).isEmpty();
    }

    /** One service port in two successive snapshots: present in A, B or both, with endpoints per snapshot. */
    record Change(ServicePort port, List<Endpoint> a, List<Endpoint> b, int presence) {
    }

    /**
     * Partial syncs on a real kernel: apply a full sync of snapshot A, then a partial sync to snapshot B (only the
     * services that differ are rewritten, stale chains found by {@code iptables-save} are deleted); the resulting
     * kernel tables must equal those of a fresh full sync of B, and every restore must succeed.
     */
    @Property(tries = 30, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void partialSyncOnARealKernelConvergesToTheFullSyncState(@ForAll("families") IpFamily family,
                                                             @ForAll("changes") List<Change> changes) {
        RenderOptions options = new RenderOptions(family, TestSnapshots.NODE,
                List.of(family == IpFamily.IPv4 ? "192.168.0.2" : "fd00:10::2"), "0x4000", false,
                family == IpFamily.IPv4 ? new LocalDetector.ClusterCidr("10.0.0.0/8")
                        : new LocalDetector.ClusterCidr("fd00:10:244::/64"),
                true, List.of(), false, true, false, false);
        IptablesRenderer renderer = new IptablesRenderer(options);
        TreeMap<ServicePortName, Tuple.Tuple2<ServicePort, List<Endpoint>>> a = new TreeMap<>();
        TreeMap<ServicePortName, Tuple.Tuple2<ServicePort, List<Endpoint>>> b = new TreeMap<>();
        for (Change c : changes) {
            if (c.presence() != 2) {
                a.put(c.port().name(), Tuple.of(c.port(), c.a()));
            }
            if (c.presence() != 1) {
                b.put(c.port().name(), Tuple.of(c.port(), c.b()));
            }
        }
        Set<NamespacedName> changed = new java.util.HashSet<>();
        Set<ServicePortName> all = new java.util.TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        for (ServicePortName n : all) {
            if (!java.util.Objects.equals(a.get(n), b.get(n))) {
                changed.add(n.service());
            }
        }
        ProxySnapshot snapA = snapshot(List.copyOf(a.values()), "");
        ProxySnapshot snapB = snapshot(List.copyOf(b.values()), "");

        reset(family);
        restoreOk(family, renderer.render(snapA, RenderRequest.full(natChains(family))).payload());
        RenderedRules partial = renderer.render(snapB, RenderRequest.partial(changed, natChains(family)));
        restoreOk(family, partial.payload());
        Map<String, List<String>> afterPartial = save(family);

        reset(family);
        RenderedRules full = renderer.render(snapB, RenderRequest.full(natChains(family)));
        restoreOk(family, full.payload());
        assertThat(afterPartial).as("kernel state after the partial sync").isEqualTo(save(family));
        assertThat(partial.natTotal()).as("iptables_total{nat} is the same after partial and full syncs")
                .isEqualTo(full.natTotal());
    }

    @Provide
    Arbitrary<IpFamily> families() {
        return Arbitraries.of(IpFamily.class);
    }

    @Provide
    Arbitrary<List<Change>> changes() {
        return Combinators.combine(services(), endpoint().list().ofMaxSize(4), Arbitraries.integers().between(0, 4))
                .as((t, other, mode) -> switch (mode) {
                    case 0, 1 -> new Change(t.get1(), t.get2(), t.get2(), 0); // unchanged
                    case 2 -> new Change(t.get1(), t.get2(), other, 0); // endpoints changed
                    case 3 -> new Change(t.get1(), t.get2(), t.get2(), 1); // deleted
                    default -> new Change(t.get1(), t.get2(), t.get2(), 2); // added
                }).list().ofMaxSize(6);
    }

    private static String restoreTool(IpFamily f) {
        return f == IpFamily.IPv6 ? "ip6tables-restore" : "iptables-restore";
    }

    private static void reset(IpFamily f) {
        // Without --noflush, restore replaces the namespace's filter and nat tables: all chains flushed and deleted.
        restoreOk(f, List.of(restoreTool(f)), "*filter\nCOMMIT\n*nat\nCOMMIT\n");
    }

    private static void restoreOk(IpFamily f, String payload) {
        restoreOk(f, List.of(restoreTool(f), "--noflush"), payload);
    }

    private static void restoreOk(IpFamily f, List<String> tool, String payload) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", NETNS));
        argv.addAll(tool);
        CommandRunner.CommandResult r = RUN.run(argv, payload, TIMEOUT);
        assertThat(r.exitCode()).as(tool + " rejected the payload: " + r.stderr() + "\n" + payload).isZero();
    }

    /** Chain name → rules, for the filter and nat tables of the namespace ({@code iptables-save}). */
    private static Map<String, List<String>> save(IpFamily f) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String table : List.of("filter", "nat")) {
            CommandRunner.CommandResult r = RUN.run(List.of("ip", "netns", "exec", NETNS,
                    f == IpFamily.IPv6 ? "ip6tables-save" : "iptables-save", "-t", table), "", TIMEOUT);
            assertThat(r.exitCode()).as("iptables-save: " + r.stderr()).isZero();
            for (String line : r.stdout().split("\n")) {
                if (line.startsWith(":")) {
                    out.putIfAbsent(table + "/" + line.substring(1, line.indexOf(' ')), new ArrayList<>());
                } else if (line.startsWith("-A ")) {
                    String chain = line.split(" ")[1];
                    out.computeIfAbsent(table + "/" + chain, k -> new ArrayList<>()).add(line);
                }
            }
        }
        return out;
    }

    private static Set<String> natChains(IpFamily f) {
        Set<String> chains = new java.util.TreeSet<>();
        for (String k : save(f).keySet()) {
            if (k.startsWith("nat/")) {
                chains.add(k.substring(4));
            }
        }
        return chains;
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<IpFamily> family = Arbitraries.of(IpFamily.class);
        return family.flatMap(f -> Combinators.combine(options(f), services().list().ofMaxSize(6),
                        Arbitraries.of("", "zone-a", "zone-b"))
                .as((o, svcs, zone) -> new Scenario(o, snapshot(svcs, zone))));
    }

    private static ProxySnapshot snapshot(List<Tuple.Tuple2<ServicePort, List<Endpoint>>> svcs, String zone) {
        TreeMap<ServicePortName, ServicePort> ports = new TreeMap<>();
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>();
        for (Tuple.Tuple2<ServicePort, List<Endpoint>> t : svcs) {
            ports.put(t.get1().name(), t.get1());
            // Like the tracker: one endpoint per ip:port, sorted by that string.
            TreeMap<String, Endpoint> unique = new TreeMap<>();
            t.get2().forEach(e -> unique.putIfAbsent(e.ipPort(), e));
            eps.put(t.get1().name(), List.copyOf(unique.values()));
        }
        TreeMap<String, String> labels = new TreeMap<>();
        if (!zone.isEmpty()) {
            labels.put(NodeInfo.ZONE_LABEL, zone);
        }
        return new ProxySnapshot(ports, eps, new NodeInfo(TestSnapshots.NODE, List.of(), labels, false));
    }

    private static Arbitrary<RenderOptions> options(IpFamily f) {
        Arbitrary<LocalDetector> detector = Arbitraries.oneOf(
                cidr(f).map(LocalDetector.ClusterCidr::new),
                cidr(f).map(LocalDetector.NodeCidr::new),
                Arbitraries.of("cbr0", "br-pods", "kube.bridge").map(LocalDetector.BridgeInterface::new),
                Arbitraries.of("veth", "cali", "lxc").map(LocalDetector.InterfaceNamePrefix::new),
                Arbitraries.just(new LocalDetector.NoOp()));
        Arbitrary<List<String>> npa = Arbitraries.oneOf(Arbitraries.just(List.of()),
                Arbitraries.just(List.of("primary")),
                Arbitraries.oneOf(cidr(IpFamily.IPv4), cidr(IpFamily.IPv6), Arbitraries.just("127.0.0.0/8"))
                        .list().ofMinSize(1).ofMaxSize(3));
        Arbitrary<Boolean> b = Arbitraries.of(true, false);
        return Combinators.combine(ip(f).list().ofMaxSize(2), Arbitraries.of("0x4000", "0x00004000", "0x8"),
                        detector, npa, b.list().ofSize(6))
                .as((ips, mark, det, addrs, flags) -> new RenderOptions(f, TestSnapshots.NODE, ips, mark,
                        flags.get(0), det, flags.get(1), addrs, flags.get(2), flags.get(3), flags.get(4),
                        flags.get(4) && flags.get(5)));
    }

    private static Arbitrary<Tuple.Tuple2<ServicePort, List<Endpoint>>> services() {
        Arbitrary<ServicePortName> name = Combinators.combine(label(20), label(20),
                        Arbitraries.oneOf(Arbitraries.just(""), label(15)), Arbitraries.of(Protocol.class))
                .as(ServicePortName::of);
        Arbitrary<List<String>> clusterIPs = Arbitraries.oneOf(ip(IpFamily.IPv4).map(List::of),
                ip(IpFamily.IPv6).map(List::of),
                Combinators.combine(ip(IpFamily.IPv4), ip(IpFamily.IPv6)).as(List::of));
        Arbitrary<List<String>> anyIps = Arbitraries.oneOf(ip(IpFamily.IPv4), ip(IpFamily.IPv6)).list().ofMaxSize(2);
        Arbitrary<List<String>> ranges = Arbitraries.oneOf(cidr(IpFamily.IPv4), cidr(IpFamily.IPv6)).list()
                .ofMaxSize(3);
        Arbitrary<Integer> port = Arbitraries.integers().between(1, 65535);
        Arbitrary<ServicePort> sp = Combinators.combine(name, Arbitraries.of(ServiceType.class), clusterIPs, port,
                        Arbitraries.integers().between(30000, 32767), anyIps, anyIps, ranges)
                .flatAs((n, type, cips, p, np, eips, lbips, srcs) -> Combinators.combine(
                                Arbitraries.of(TrafficPolicy.class), Arbitraries.of(TrafficPolicy.class),
                                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 86400)),
                                Arbitraries.integers().between(30000, 32767),
                                Arbitraries.of("", "PreferClose", "PreferSameNode"))
                        .as((etp, itp, affinity, hcnp, td) -> {
                            boolean lb = type == ServiceType.LoadBalancer;
                            boolean external = type != ServiceType.ClusterIP || !eips.isEmpty();
                            TrafficPolicy e = external ? etp : TrafficPolicy.Cluster;
                            return new ServicePort(n, type, cips, p, type == ServiceType.ClusterIP ? 0 : np, eips,
                                    lb ? lbips : List.of(), lb ? srcs : List.of(), e, itp,
                                    new SessionAffinity(affinity),
                                    lb && e == TrafficPolicy.Local ? hcnp : 0, td);
                        }));
        return Combinators.combine(sp, endpoint().list().ofMaxSize(6)).as(Tuple::of);
    }

    private static Arbitrary<Endpoint> endpoint() {
        Arbitrary<Set<String>> zones = Arbitraries.of("zone-a", "zone-b").set().ofMaxSize(2);
        Arbitrary<Set<String>> nodes = Arbitraries.of(TestSnapshots.NODE, "other-node").set().ofMaxSize(2);
        return Combinators.combine(Arbitraries.oneOf(ip(IpFamily.IPv4), ip(IpFamily.IPv6)),
                        Arbitraries.integers().between(1, 65535), Arbitraries.of(true, false).list().ofSize(3),
                        Arbitraries.of("", TestSnapshots.NODE, "other-node"), zones, nodes)
                .as((ip, port, cond, node, zh, nh) -> new Endpoint(ip, port, cond.get(0), cond.get(0) || cond.get(1),
                        cond.get(2), node, "", zh, nh));
    }

    /** DNS-1123 labels (the model's validity): lower-case alphanumerics and '-', alphanumeric at both ends. */
    private static Arbitrary<String> label(int max) {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-').ofMinLength(1).ofMaxLength(max)
                .filter(s -> Character.isLetter(s.charAt(0)) && s.charAt(s.length() - 1) != '-');
    }

    private static Arbitrary<String> ip(IpFamily f) {
        if (f == IpFamily.IPv4) {
            return Arbitraries.integers().between(1, 223).list().ofSize(4)
                    .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        }
        Arbitrary<Integer> group = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(0)),
                Tuple.of(6, Arbitraries.integers().between(0, 0xffff)));
        return group.list().ofSize(8).map(l -> {
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[2 * i] = (byte) (l.get(i) >> 8);
                b[2 * i + 1] = (byte) (int) l.get(i);
            }
            b[0] = (byte) 0xfd; // keep clear of IPv4-mapped and other special forms
            return IpAddresses.format(b);
        });
    }

    private static Arbitrary<String> cidr(IpFamily f) {
        return Combinators.combine(ip(f), Arbitraries.integers().between(f == IpFamily.IPv4 ? 8 : 16,
                        f == IpFamily.IPv4 ? 32 : 128))
                .as((ip, prefix) -> Cidr.parse(ip + "/" + prefix).orElseThrow().toString());
    }

}
