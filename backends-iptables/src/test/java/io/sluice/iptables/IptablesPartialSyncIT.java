package io.sluice.iptables;

import io.sluice.testsupport.PrivilegedTier;
import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.exec.Sysctl;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.synthetic.SyntheticCluster;
import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.exec.IptablesException;
import io.sluice.iptables.exec.IptablesSystem;
import io.sluice.core.exec.IptablesVariant;
import io.sluice.iptables.render.ChainNames;
import io.sluice.iptables.render.TopLevelRewrite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TopLevelRewrite#WHEN_CHANGED} against real netfilter, once per variant: a sequence of syncs in namespace
 * {@code slpp-*-inc}, and after each one a fresh full sync of the same snapshot into a new namespace
 * {@code slpp-*-ref}; both {@code iptables-save} outputs (nat and filter, counters stripped, chains sorted) must be
 * equal. Steps: an endpoint change only (no KUBE-SERVICES, no filter section in the payload), a service added, a
 * service deleted (stale chains deleted, KUBE-SERVICES rewritten), a sync without changes (no restore at all), a
 * failed restore (nothing changes) and the full sync that recovers.
 */
class IptablesPartialSyncIT {
    private final CommandRunner runner = new ProcessCommandRunner();
    private final List<String> namespaces = new ArrayList<>();
    private final List<IptablesBackend> backends = new ArrayList<>();
    private final List<String> payloads = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        backends.forEach(IptablesBackend::close);
        for (String ns : namespaces) {
            runner.run(List.of("ip", "netns", "del", ns));
        }
    }

    @ParameterizedTest
    @EnumSource(IptablesVariant.class)
    void whenChangedSyncsLeaveWhatAFreshFullSyncLeaves(IptablesVariant variant) throws Exception {
        PrivilegedTier.require("ip", variant.binary(IpFamily.IPv4, "restore"), variant.binary(IpFamily.IPv4, "save"),
                "sysctl");
        SyntheticCluster cluster = SyntheticCluster.generate(20, 3, 7);
        String inc = namespace("slpp-" + variant.name().toLowerCase() + "-inc");
        IptablesBackend b = backend(inc, variant, true);

        ProxySnapshot s0 = without(cluster.snapshot(), cluster.service(5));
        sync(b, s0, Set.of(), true);
        assertMatchesFreshFullSync(variant, inc, s0, "initial full sync");

        // 1. One endpoint of service 0 changes: only its own chains are written.
        ProxySnapshot s1 = without(cluster.withEndpointChanged(0, 0).snapshot(), cluster.service(5));
        String p1 = sync(b, s1, Set.of(cluster.service(0)), false);
        assertThat(p1).as("endpoint change only").doesNotContain("KUBE-SERVICES").doesNotContain("*filter")
                .contains("-A KUBE-SEP-");
        assertMatchesFreshFullSync(variant, inc, s1, "endpoint change");

        // 2. Service 5 is added: KUBE-SERVICES gets its rule.
        ProxySnapshot s2 = cluster.withEndpointChanged(0, 0).snapshot();
        String p2 = sync(b, s2, Set.of(cluster.service(5)), false);
        assertThat(p2).contains(":KUBE-SERVICES - [0:0]");
        assertMatchesFreshFullSync(variant, inc, s2, "service added");

        // 3. Service 7 is deleted: its chains go (-X) in the same transaction that rewrites KUBE-SERVICES.
        ProxySnapshot s3 = without(s2, cluster.service(7));
        String p3 = sync(b, s3, Set.of(cluster.service(7)), false);
        assertThat(p3).contains(":KUBE-SERVICES - [0:0]").contains("-X " + ChainNames.serviceChain(
                ports(s2, cluster.service(7)).get(0)));
        assertMatchesFreshFullSync(variant, inc, s3, "service deleted");

        // 4. Nothing changed: nothing to write, no restore.
        int before = payloads.size();
        sync(b, s3, Set.of(), false);
        assertThat(payloads).hasSize(before);
        assertMatchesFreshFullSync(variant, inc, s3, "no change");

        // 5. A foreign rule pins a chain of service 9, so deleting service 9 fails in the kernel ("Too many links").
        ServicePortName pinned = ports(s3, cluster.service(9)).get(0);
        assertThat(save(inc, variant, "nat")).contains(":" + ChainNames.serviceChain(pinned) + " ");
        ipt(inc, variant, "-t", "nat", "-N", "TEST-PIN");
        ipt(inc, variant, "-t", "nat", "-A", "TEST-PIN", "-j", ChainNames.serviceChain(pinned));
        String natBefore = save(inc, variant, "nat");
        String filterBefore = save(inc, variant, "filter");
        ProxySnapshot s5 = without(s3, cluster.service(9));
        assertThatThrownBy(() -> sync(b, s5, Set.of(cluster.service(9)), false)).isInstanceOf(SyncException.class);
        assertThat(save(inc, variant, "nat")).as("a failed restore changes nothing").isEqualTo(natBefore);
        assertThat(save(inc, variant, "filter")).isEqualTo(filterBefore);

        // 6. Recovery: the pin is gone; the next sync is full and leaves what a fresh full sync leaves.
        ipt(inc, variant, "-t", "nat", "-F", "TEST-PIN");
        ipt(inc, variant, "-t", "nat", "-X", "TEST-PIN");
        sync(b, s5, Set.of(), true);
        assertMatchesFreshFullSync(variant, inc, s5, "recovery after a failed restore");

        // 7. And partial syncs work again from there (an endpoint change of service 0 back to the original).
        ProxySnapshot s7 = without(without(cluster.snapshot(), cluster.service(7)), cluster.service(9));
        String p7 = sync(b, s7, Set.of(cluster.service(0)), false);
        assertThat(p7).doesNotContain("KUBE-SERVICES");
        assertMatchesFreshFullSync(variant, inc, s7, "partial after recovery");
    }

    /** Syncs and returns the payload written (empty when there was no restore); asserts full/partial. */
    private String sync(IptablesBackend b, ProxySnapshot s, Set<NamespacedName> changed, boolean expectFull)
            throws SyncException {
        int before = payloads.size();
        boolean full = b.sync(new SyncRequest(s, changed, false)).fullSync();
        assertThat(full).as("full sync").isEqualTo(expectFull);
        return payloads.size() > before ? payloads.get(payloads.size() - 1) : "";
    }

    private void assertMatchesFreshFullSync(IptablesVariant variant, String inc, ProxySnapshot s, String step)
            throws SyncException {
        String ref = namespace("slpp-" + variant.name().toLowerCase() + "-ref");
        IptablesBackend fresh = backend(ref, variant, false);
        fresh.sync(SyncRequest.full(s));
        fresh.close();
        for (String table : List.of("nat", "filter")) {
            assertThat(normalise(save(inc, variant, table))).as("%s: %s", step, table)
                    .isEqualTo(normalise(save(ref, variant, table)));
        }
        runner.run(List.of("ip", "netns", "del", ref));
        namespaces.remove(ref);
    }

    private String namespace(String prefix) {
        String ns = prefix + "-" + ProcessHandle.current().pid() % 100000;
        runner.run(List.of("ip", "netns", "del", ns));
        ok(List.of("ip", "netns", "add", ns));
        namespaces.add(ns);
        ok(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"));
        return ns;
    }

    private IptablesBackend backend(String ns, IptablesVariant variant, boolean record) {
        BackendContext ctx = new BackendContext(IptablesBackendTest.upstreamConfig(), new RecordingMetrics(),
                new KernelAssumptions(false, null), Clock.systemUTC(), () -> { });
        IptablesSystem real = IptablesSystem.inNamespace(runner, ns, variant);
        IptablesSystem system = !record ? real : new IptablesSystem() {
            @Override
            public Iptables iptables(IpFamily family) {
                Iptables delegate = real.iptables(family);
                return new ForwardingIptables() {
                    @Override
                    protected Iptables delegate() {
                        return delegate;
                    }

                    @Override
                    public void restore(String payload, Optional<String> table) throws IptablesException {
                        payloads.add(payload);
                        super.restore(payload, table);
                    }

                    // The backend streams its payloads (RestorePayload); record those too.
                    @Override
                    public void restore(io.sluice.iptables.render.RestorePayload payload, Optional<String> table)
                            throws IptablesException {
                        payloads.add(payload.toString());
                        super.restore(payload, table);
                    }
                };
            }

            @Override
            public List<Iptables> allVariants(IpFamily family) {
                return real.allVariants(family);
            }

            @Override
            public CommandRunner commands() {
                return real.commands();
            }

            @Override
            public Sysctl sysctl() {
                return real.sysctl();
            }
        };
        IptablesBackend b = new IptablesBackend(ctx, system, IptablesBackendTest.UPSTREAM_MARK,
                record ? TopLevelRewrite.WHEN_CHANGED : TopLevelRewrite.ALWAYS);
        backends.add(b);
        return b;
    }

    static ProxySnapshot without(ProxySnapshot s, NamespacedName service) {
        TreeMap<ServicePortName, io.sluice.core.model.ServicePort> svcs = new TreeMap<>(s.services());
        TreeMap<ServicePortName, List<io.sluice.core.model.Endpoint>> eps = new TreeMap<>(s.endpoints());
        svcs.keySet().removeIf(n -> n.service().equals(service));
        eps.keySet().removeIf(n -> n.service().equals(service));
        return new ProxySnapshot(svcs, eps, s.node());
    }

    static List<ServicePortName> ports(ProxySnapshot s, NamespacedName service) {
        List<ServicePortName> ports = s.services().keySet().stream().filter(n -> n.service().equals(service))
                .toList();
        assertThat(ports).isNotEmpty();
        return ports;
    }

    /**
     * {@code iptables-save} without counters and comments, chain declarations sorted and rules grouped by chain in
     * their kernel order: iptables-nft lists chains in creation order, which differs between the two histories.
     */
    static String normalise(String save) {
        Map<String, List<String>> rules = new TreeMap<>();
        List<String> chains = new ArrayList<>();
        for (String line : save.split("\n")) {
            if (line.startsWith(":")) {
                chains.add(line.replaceAll(" \\[\\d+:\\d+\\]$", ""));
            } else if (line.startsWith("-A ")) {
                rules.computeIfAbsent(line.split(" ")[1], k -> new ArrayList<>()).add(line);
            }
        }
        chains.sort(null);
        StringBuilder sb = new StringBuilder();
        chains.forEach(c -> sb.append(c).append('\n'));
        rules.values().forEach(l -> l.forEach(r -> sb.append(r).append('\n')));
        return sb.toString();
    }

    /** {@code iptables-save -t table} without its "# Generated by ... on <time>" lines, which differ by the second. */
    private String save(String ns, IptablesVariant variant, String table) {
        return ok(List.of("ip", "netns", "exec", ns, variant.binary(IpFamily.IPv4, "save"), "-t", table)).lines()
                .filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
    }

    private void ipt(String ns, IptablesVariant variant, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, variant.binary(IpFamily.IPv4, "")));
        argv.addAll(List.of(args));
        ok(argv);
    }

    private String ok(List<String> argv) {
        CommandRunner.CommandResult r = runner.run(argv, "", Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("%s: %s", argv, r.stderr()).isZero();
        return r.stdout();
    }
}
