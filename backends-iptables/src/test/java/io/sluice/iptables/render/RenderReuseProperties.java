package io.sluice.iptables.render;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.iptables.exec.FakeIptables;
import io.sluice.iptables.exec.IptablesException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of snapshot changes (services added, removed, changed; endpoints changed; the node's zone; one
 * bulk service toggling large-cluster mode across the 1000-endpoint threshold; forced full syncs), rendered three
 * ways at every step:
 * <ul>
 *   <li>the per-port memo must be invisible: a long-lived renderer gives exactly the {@link RenderedRules} (payload,
 *       counts, chains) of a fresh renderer, in both {@link TopLevelRewrite} modes;</li>
 *   <li>{@code WHEN_CHANGED} payloads applied to one {@link FakeIptables} leave exactly the kernel state that
 *       {@code ALWAYS} payloads leave in another, and {@code filterTotal}/{@code natTotal} equal the rules in it.</li>
 * </ul>
 */
class RenderReuseProperties {
    static final int SERVICES = 5;
    static final int BULK = SERVICES; // the service whose endpoints cross the large-cluster threshold

    /** kind: 0 add/replace service (variant a), 1 remove, 2 endpoints (count a, local mask b), 3 bulk, 4 zone, 5 full. */
    record Op(int kind, int svc, int a, int b) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> kind = Arbitraries.frequency(Tuple.of(4, 0), Tuple.of(1, 1), Tuple.of(5, 2), Tuple.of(2, 3),
                Tuple.of(1, 4), Tuple.of(2, 5));
        Arbitrary<Op> op = Combinators.combine(kind,
                Arbitraries.integers().between(0, SERVICES - 1), Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 15)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(20);
    }

    @Property(tries = 80, shrinking = ShrinkingMode.BOUNDED)
    void memoIsInvisibleAndWhenChangedLeavesTheSameKernel(@ForAll("ops") List<Op> ops) throws IptablesException {
        RenderOptions options = TestSnapshots.opts().build();
        IptablesRenderer always = new IptablesRenderer(options);
        IptablesRenderer whenChanged = new IptablesRenderer(options);
        FakeIptables alwaysKernel = new FakeIptables();
        FakeIptables whenChangedKernel = new FakeIptables();
        Model model = new Model();
        TopLevelChains previous = TopLevelChains.NONE;
        boolean full = true;
        Set<NamespacedName> changed = new HashSet<>();
        for (Op op : ops) {
            full |= model.apply(op, changed);
            ProxySnapshot snapshot = model.snapshot();
            RenderRequest a = new RenderRequest(full, changed, chains(alwaysKernel));
            RenderRequest w = new RenderRequest(full, changed, chains(whenChangedKernel))
                    .withTopLevel(TopLevelRewrite.WHEN_CHANGED, previous);

            RenderedRules ra = always.render(snapshot, a);
            RenderedRules rw = whenChanged.render(snapshot, w);
            assertThat(ra).as("ALWAYS with reuse equals a fresh render, after %s", op)
                    .isEqualTo(new IptablesRenderer(options).render(snapshot, a));
            assertThat(rw).as("WHEN_CHANGED with reuse equals a fresh render, after %s", op)
                    .isEqualTo(new IptablesRenderer(options).render(snapshot, w));

            alwaysKernel.restore(ra.payload(), Optional.empty());
            if (!rw.payload().isEmpty()) {
                whenChangedKernel.restore(rw.payload(), Optional.empty());
            }
            previous = rw.topLevelChains();
            for (String table : List.of("filter", "nat")) {
                assertThat(whenChangedKernel.save(table)).as("%s after %s", table, op)
                        .isEqualTo(alwaysKernel.save(table));
            }
            assertThat(rw.filterTotal()).isEqualTo(ra.filterTotal()).isEqualTo(rules(alwaysKernel, "filter"));
            assertThat(rw.natTotal()).isEqualTo(ra.natTotal()).isEqualTo(rules(alwaysKernel, "nat"));
            assertThat(rw.filterRules() + rw.natLast())
                    .isEqualTo(rw.payload().lines().filter(l -> l.startsWith("-A ")).count());
            assertThat(rw.payload().length()).isLessThanOrEqualTo(ra.payload().length());
            full = false;
            changed.clear();
        }
    }

    static Set<String> chains(FakeIptables k) {
        return new HashSet<>(k.chains("nat"));
    }

    static long rules(FakeIptables k, String table) {
        return k.chains(table).stream().filter(c -> c.startsWith("KUBE-"))
                .mapToLong(c -> k.rules(table, c).map(List::size).orElse(0)).sum();
    }

    /** The cluster under test: up to {@link #SERVICES} small services plus the bulk one. */
    static final class Model {
        final Map<Integer, Integer> variants = new TreeMap<>();
        final Map<Integer, int[]> endpoints = new TreeMap<>();
        boolean bulk;
        String zone = "z1";

        /** Applies the op; records touched services; true when it asks for a full sync. */
        boolean apply(Op op, Set<NamespacedName> changed) {
            switch (op.kind()) {
                case 0 -> {
                    variants.put(op.svc(), op.a());
                    changed.add(name(op.svc()));
                }
                case 1 -> {
                    if (variants.remove(op.svc()) != null) {
                        changed.add(name(op.svc()));
                    }
                }
                case 2 -> {
                    endpoints.put(op.svc(), new int[]{op.a(), op.b()});
                    changed.add(name(op.svc()));
                }
                case 3 -> {
                    bulk = !bulk;
                    changed.add(name(BULK));
                }
                case 4 -> zone = op.a() % 2 == 0 ? "z1" : "z2"; // topology change: kube-proxy syncs fully
                default -> {
                    return true;
                }
            }
            return op.kind() == 4;
        }

        static NamespacedName name(int i) {
            return new NamespacedName("ns" + i, "svc" + i);
        }

        ProxySnapshot snapshot() {
            List<TestSnapshots.Svc> svcs = new ArrayList<>();
            variants.forEach((i, v) -> {
                TestSnapshots.Svc s = TestSnapshots.svc("ns" + i, "svc" + i).clusterIP("172.30.0." + (10 + i));
                switch (v) {
                    case 1 -> s.nodePort(30000 + i);
                    case 2 -> s.loadBalancer(30000 + i, "1.2.3." + (10 + i)).sourceRanges("203.0.113.0/25");
                    case 3 -> s.externalIPs("192.168.99." + i).loadBalancer(30000 + i, "1.2.4." + i).etpLocal(
                            31000 + i);
                    case 4 -> s.itpLocal();
                    case 5 -> s.affinity(10800);
                    case 6 -> s.trafficDistribution("PreferClose");
                    case 7 -> s.externalIPs("999.1.1." + i); // fails validation: the port is skipped
                    default -> {
                    }
                }
                int[] e = endpoints.getOrDefault(i, new int[]{2, 0});
                for (int k = 0; k < e[0]; k++) {
                    String ip = "10.1." + i + "." + (k + 1);
                    boolean local = (e[1] & (1 << (k % 4))) != 0;
                    s.ep(TestSnapshots.endpoint(ip, 8080, true, true, false, local ? TestSnapshots.NODE : "other",
                            Set.of(k % 2 == 0 ? "z1" : "z2"), Set.of()));
                }
                svcs.add(s);
            });
            TestSnapshots.Svc b = TestSnapshots.svc("ns" + BULK, "svc" + BULK).clusterIP("172.30.1.1");
            // 995 + the others' 0..35 endpoints: small endpoint changes move the total across 1000 as well.
            for (int k = 0; bulk && k < 995; k++) {
                b.ep(Endpoint.ready("10.2." + (k / 250) + "." + (k % 250 + 1), 80));
            }
            svcs.add(b);
            return TestSnapshots.snapshot(TestSnapshots.nodeInZone(zone), svcs.toArray(TestSnapshots.Svc[]::new));
        }
    }
}
