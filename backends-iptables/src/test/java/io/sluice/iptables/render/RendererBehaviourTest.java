package io.sluice.iptables.render;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static io.sluice.iptables.render.TestSnapshots.opts;
import static io.sluice.iptables.render.TestSnapshots.snapshot;
import static io.sluice.iptables.render.TestSnapshots.svc;
import static org.assertj.core.api.Assertions.assertThat;

/** Determinism, large-cluster mode, stale chains, partial syncs and the argument whitelist. */
class RendererBehaviourTest {

    private static List<TestSnapshots.Svc> manyServices() {
        List<TestSnapshots.Svc> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            TestSnapshots.Svc s = svc("ns" + (i % 4), "svc" + i).clusterIP("172.30.1." + i);
            if (i % 3 == 0) {
                s.nodePort(30000 + i);
            }
            if (i % 5 == 0) {
                s.loadBalancer(31000 + i, "1.2.3." + i).sourceRanges("203.0.113.0/24").etpLocal(32000 + i);
            }
            for (int e = 0; e < i % 6; e++) {
                if (e % 2 == 0) {
                    s.localEp("10.180." + i + "." + e, 8080);
                } else {
                    s.ep("10.180." + i + "." + e, 8080);
                }
            }
            out.add(s);
        }
        return out;
    }

    /** Builds the snapshot from maps filled in the given order (HashMap/LinkedHashMap, not sorted). */
    private static ProxySnapshot snapshotInOrder(List<TestSnapshots.Svc> order, boolean linked) {
        Map<ServicePortName, ServicePort> ports = linked ? new LinkedHashMap<>() : new HashMap<>();
        Map<ServicePortName, List<Endpoint>> eps = linked ? new LinkedHashMap<>() : new HashMap<>();
        for (TestSnapshots.Svc s : order) {
            ports.put(s.spn(), s.build());
            List<Endpoint> l = new ArrayList<>(s.endpoints);
            Collections.reverse(l);
            eps.put(s.spn(), l);
        }
        return new ProxySnapshot(new TreeMap<>(ports), new TreeMap<>(eps), NodeInfo.named(TestSnapshots.NODE));
    }

    @Test
    void sameSnapshotRendersByteIdenticalPayloads() {
        IptablesRenderer r = new IptablesRenderer(opts().build());
        ProxySnapshot s = snapshot(manyServices().toArray(TestSnapshots.Svc[]::new));
        Set<String> existing = Set.of("KUBE-SVC-AAAAAAAAAAAAAAAA", "KUBE-SEP-BBBBBBBBBBBBBBBB", "KUBE-SEP-CCCCCCCCCCCCCCCC");
        String first = r.render(s, RenderRequest.full(existing)).payload();
        assertThat(r.render(s, RenderRequest.full(existing)).payload()).isEqualTo(first);
        assertThat(new IptablesRenderer(opts().build()).render(s, RenderRequest.full(Set.copyOf(existing))).payload())
                .isEqualTo(first);
    }

    @Test
    void insertionOrderOfMapsAndEndpointListsDoesNotChangeThePayload() {
        List<TestSnapshots.Svc> services = manyServices();
        IptablesRenderer r = new IptablesRenderer(opts().build());
        String expected = r.render(snapshot(services.toArray(TestSnapshots.Svc[]::new)),
                RenderRequest.full(Set.of())).payload();
        Random random = new Random(42);
        for (int i = 0; i < 5; i++) {
            List<TestSnapshots.Svc> shuffled = new ArrayList<>(services);
            Collections.shuffle(shuffled, random);
            assertThat(r.render(snapshotInOrder(shuffled, i % 2 == 0), RenderRequest.full(Set.of())).payload())
                    .isEqualTo(expected);
        }
    }

    @Test
    void largeClusterModeDropsPerEndpointCommentsOnly() {
        TestSnapshots.Svc big = svc("ns1", "big");
        for (int i = 0; i < 1001; i++) {
            big.ep("10.1." + (i / 250) + "." + (i % 250), 80);
        }
        RenderedRules r = new IptablesRenderer(opts().build()).render(snapshot(big), RenderRequest.full(Set.of()));
        List<String> nat = List.of(r.payload().split("\n"));
        assertThat(nat).filteredOn(l -> l.startsWith("-A KUBE-SEP-")).hasSize(2002)
                .noneMatch(l -> l.contains("--comment"));
        assertThat(nat).filteredOn(l -> l.startsWith("-A KUBE-SVC-") && l.contains("-j KUBE-SEP-")).hasSize(1001)
                .noneMatch(l -> l.contains("--comment"));
        // Other comments stay: the cluster-IP masquerade rule and KUBE-SERVICES.
        assertThat(nat).anyMatch(l -> l.startsWith("-A KUBE-SVC-") && l.contains("\"ns1/big:p80 cluster IP\""));
        assertThat(IptablesDump.checkRuleJumps(r.payload())).isEmpty();

        TestSnapshots.Svc small = svc("ns1", "big");
        for (int i = 0; i < 1000; i++) {
            small.ep("10.1." + (i / 250) + "." + (i % 250), 80);
        }
        String payload = new IptablesRenderer(opts().build()).render(snapshot(small), RenderRequest.full(Set.of()))
                .payload();
        assertThat(payload.lines().filter(l -> l.startsWith("-A KUBE-SEP-"))).allMatch(l -> l.contains("--comment"));
    }

    @Test
    void staleServiceChainsAreFlushedAndDeletedButForeignChainsAreNot() {
        ProxySnapshot s = snapshot(svc("ns1", "svc1").ep("10.180.0.1", 80));
        Set<String> existing = Set.of("KUBE-SVC-XPGD46QRK7WJZT7O", "KUBE-SVC-ZZZZZZZZZZZZZZZZ", "KUBE-FW-YYYYYYYYYYYYYYYY",
                "KUBE-FIREWALL", "KUBE-SERVICES", "CNI-HOSTPORT", "KUBE-MARK-DROP");
        RenderedRules r = new IptablesRenderer(opts().build()).render(s, RenderRequest.full(existing));
        assertThat(r.payload()).contains(":KUBE-FW-YYYYYYYYYYYYYYYY - [0:0]\n", "-X KUBE-FW-YYYYYYYYYYYYYYYY\n",
                ":KUBE-SVC-ZZZZZZZZZZZZZZZZ - [0:0]\n", "-X KUBE-SVC-ZZZZZZZZZZZZZZZZ\n");
        assertThat(r.payload()).doesNotContain("-X KUBE-SVC-XPGD46QRK7WJZT7O", "-X KUBE-FIREWALL", "CNI-HOSTPORT",
                "KUBE-MARK-DROP");
        assertThat(r.deletedChains()).isEqualTo(2);
        // -X lines sort after the rules of the kept chains and are counted, then subtracted, like upstream.
        assertThat(r.natLast()).isEqualTo(IptablesDump.count(r.payload(), "nat", "-A "));
    }

    @Test
    void partialSyncWritesOnlyChangedServicesChainsButKeepsOthersActive() {
        ProxySnapshot s = snapshot(svc("ns1", "svc1").ep("10.180.0.1", 80),
                svc("ns2", "svc2").clusterIP("172.30.0.42").ep("10.180.0.2", 80));
        IptablesRenderer r = new IptablesRenderer(opts().build());
        RenderedRules full = r.render(s, RenderRequest.full(Set.of()));
        RenderedRules partial = r.render(s, RenderRequest.partial(Set.of(new NamespacedName("ns2", "svc2")),
                full.activeNatChains()));
        assertThat(partial.activeNatChains()).isEqualTo(full.activeNatChains());
        assertThat(partial.payload()).doesNotContain(":KUBE-SVC-XPGD46QRK7WJZT7O").contains(":KUBE-SVC-GNZBNJ2PO5MGZ6GT")
                .contains("-j KUBE-SVC-XPGD46QRK7WJZT7O"); // KUBE-SERVICES is always complete
        assertThat(partial.deletedChains()).isZero();
        assertThat(partial.natTotal()).isEqualTo(full.natTotal());
        assertThat(partial.skippedNatRules()).isEqualTo(4);
    }

    @Test
    void whenChangedWritesOnlyTopLevelChainsThatDifferFromThePreviousSync() {
        List<TestSnapshots.Svc> svcs = manyServices();
        ProxySnapshot s = snapshot(svcs.toArray(TestSnapshots.Svc[]::new));
        IptablesRenderer r = new IptablesRenderer(opts().build());
        RenderedRules full = r.render(s, RenderRequest.full(Set.of()));
        RenderedRules fullWc = r.render(s, RenderRequest.full(Set.of())
                .withTopLevel(TopLevelRewrite.WHEN_CHANGED, TopLevelChains.NONE));
        assertThat(fullWc.payload()).as("full syncs write everything in both modes").isEqualTo(full.payload());
        assertThat(full.topLevelChains().chains()).containsKeys("filter/KUBE-SERVICES", "nat/KUBE-SERVICES",
                "nat/KUBE-MARK-MASQ", "filter/KUBE-FIREWALL");

        // Nothing changed: nothing to write, not even a table header; totals still count the kernel's rules.
        RenderRequest partial = RenderRequest.partial(Set.of(), full.activeNatChains());
        RenderedRules none = r.render(s, partial.withTopLevel(TopLevelRewrite.WHEN_CHANGED, full.topLevelChains()));
        assertThat(none.payload()).isEmpty();
        assertThat(none.filterRules()).isZero();
        assertThat(none.natLast()).isZero();
        assertThat(none.filterTotal()).isEqualTo(full.filterTotal());
        assertThat(none.natTotal()).isEqualTo(full.natTotal());
        assertThat(none.topLevelChains()).isEqualTo(full.topLevelChains());
        // Without a record of the previous sync every top-level chain is written, as with ALWAYS.
        assertThat(r.render(s, partial.withTopLevel(TopLevelRewrite.WHEN_CHANGED, TopLevelChains.NONE)).payload())
                .isEqualTo(r.render(s, partial).payload());

        // An endpoint of a service whose cluster-IP rule exists already: only its own chains, nat only.
        TestSnapshots.Svc changed = svcs.get(4);
        changed.ep("10.180.4.9", 8080);
        ProxySnapshot s2 = snapshot(svcs.toArray(TestSnapshots.Svc[]::new));
        RenderRequest p2 = RenderRequest.partial(Set.of(changed.spn().service()), full.activeNatChains());
        RenderedRules wc = r.render(s2, p2.withTopLevel(TopLevelRewrite.WHEN_CHANGED, full.topLevelChains()));
        RenderedRules always = r.render(s2, p2);
        assertThat(wc.payload()).startsWith("*nat\n").doesNotContain("*filter").doesNotContain("KUBE-SERVICES")
                .contains(":" + ChainNames.serviceChain(changed.spn()) + " - [0:0]");
        assertThat(wc.payload().lines().filter(l -> l.startsWith("-A "))).allMatch(l -> l.contains("KUBE-S"));
        assertThat(wc.natTotal()).isEqualTo(always.natTotal());
        assertThat(wc.filterTotal()).isEqualTo(always.filterTotal());
        assertThat(wc.natLast() + wc.filterRules()).isEqualTo(IptablesDump.count(wc.payload(), "nat", "-A "));

        // A new service adds a KUBE-SERVICES rule: that chain (and only the chains that changed) is rewritten.
        List<TestSnapshots.Svc> more = new ArrayList<>(svcs);
        more.add(svc("ns9", "new").clusterIP("172.30.9.9").ep("10.180.9.9", 80));
        RenderedRules added = r.render(snapshot(more.toArray(TestSnapshots.Svc[]::new)),
                RenderRequest.partial(Set.of(new NamespacedName("ns9", "new")), always.activeNatChains())
                        .withTopLevel(TopLevelRewrite.WHEN_CHANGED, wc.topLevelChains()));
        assertThat(added.payload()).contains(":KUBE-SERVICES - [0:0]").doesNotContain(":KUBE-NODEPORTS")
                .doesNotContain("*filter").doesNotContain(":KUBE-POSTROUTING");
    }

    @Test
    void hostileValuesSkipTheWholeServicePortAndNeverReachThePayload() {
        ServicePortName evil = ServicePortName.of("ns1", "evil\"name", "p80", Protocol.TCP);
        ServicePort evilPort = new ServicePort(evil, io.sluice.core.model.ServiceType.ClusterIP,
                List.of("172.30.0.99"), 80, 0, List.of(), List.of(), List.of(),
                io.sluice.core.model.TrafficPolicy.Cluster, io.sluice.core.model.TrafficPolicy.Cluster, null, 0, "");
        TestSnapshots.Svc badIp = svc("ns1", "badip").clusterIP("172.30.0.98").externalIPs("1.2.3.4 -j ACCEPT")
                .ep("10.180.0.8", 80);
        TestSnapshots.Svc badEp = svc("ns1", "badep").clusterIP("172.30.0.97").ep("10.180.0.9\n-A INPUT", 80);
        TestSnapshots.Svc good = svc("ns1", "good").ep("10.180.0.1", 80);
        TreeMap<ServicePortName, ServicePort> ports = new TreeMap<>(Map.of(evil, evilPort,
                badIp.spn(), badIp.build(), badEp.spn(), badEp.build(), good.spn(), good.build()));
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>(Map.of(evil, List.of(Endpoint.ready("10.1.1.1", 80)),
                badIp.spn(), badIp.endpoints, badEp.spn(), badEp.endpoints, good.spn(), good.endpoints));
        RenderedRules r = new IptablesRenderer(opts().build()).render(
                new ProxySnapshot(ports, eps, NodeInfo.named(TestSnapshots.NODE)), RenderRequest.full(Set.of()));

        assertThat(r.skippedServicePorts()).extracting(SkippedServicePort::name)
                .containsExactlyInAnyOrder(evil, badIp.spn(), badEp.spn());
        assertThat(r.payload()).contains("ns1/good:p80").doesNotContain("evil", "badip", "badep", "172.30.0.9",
                "-A INPUT", "-j ACCEPT\n-A KUBE-SERVICES");
        assertThat(IptablesDump.checkRuleJumps(r.payload())).isEmpty();
    }

    @Test
    void servicesWithoutAClusterIpOfTheFamilyAreLeftToTheOtherFamily() {
        ProxySnapshot s = snapshot(svc("ns1", "v6").clusterIP("fd00::1").ep("fd00:1::1", 80));
        RenderedRules v4 = new IptablesRenderer(opts().build()).render(s, RenderRequest.full(Set.of()));
        assertThat(v4.payload()).doesNotContain("ns1/v6");
        RenderedRules v6 = new IptablesRenderer(opts().ipv6().build()).render(s, RenderRequest.full(Set.of()));
        assertThat(v6.payload()).contains("-d fd00::1 --dport 80", "--to-destination [fd00:1::1]:80");
        assertThat(v6.payload()).doesNotContain("KUBE-FIREWALL", "127.0.0.0/8");
        assertThat(new IptablesRenderer(opts().ipv6().build()).options().family()).isEqualTo(IpFamily.IPv6);
    }
}
