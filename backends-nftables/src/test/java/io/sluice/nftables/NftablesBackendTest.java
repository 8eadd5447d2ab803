package io.sluice.nftables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.sync.ManualTime;
import io.sluice.nftables.model.Chain;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Table;
import io.sluice.nftables.model.Transaction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.sluice.nftables.Snapshots.clusterIP;
import static io.sluice.nftables.Snapshots.ep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The applier against an in-memory nft: full vs partial syncs, diffs, stale chains, failures, cleanup. */
class NftablesBackendTest {
    private static final NamespacedName A = new NamespacedName("ns", "a");
    private static final NamespacedName B = new NamespacedName("ns", "b");

    private final FakeNft nft = new FakeNft();
    private final ManualTime time = new ManualTime();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final List<List<String>> conntrackDeletes = new java.util.ArrayList<>();
    private NftablesBackend backend;
    private Snapshots cluster;

    @BeforeEach
    void setUp() {
        ProxyConfig cfg = ProxyConfig.defaults(Snapshots.NODE).withMode("nftables");
        backend = new NftablesBackend(new BackendContext(cfg, metrics, null, time.clock(), null), nft,
                java.util.function.UnaryOperator.identity(), args -> {
                    conntrackDeletes.add(args);
                    return null;
                });
        cluster = new Snapshots()
                .service(clusterIP("ns", "a", "10.96.0.1"), ep("10.244.1.1", Snapshots.NODE))
                .service(clusterIP("ns", "b", "10.96.0.2"), ep("10.244.2.1", "node-b"), ep("10.244.2.2", "node-b"));
    }

    private SyncResult sync(ProxySnapshot s, Set<NamespacedName> changed) throws SyncException {
        time.advance(Duration.ofMillis(100));
        return backend.sync(new SyncRequest(s, changed, false));
    }

    private String state() {
        return NftDump.sort(nft.dump(NftFamily.IP, "kube-proxy"));
    }

    @Test
    void theFirstSyncIsFullAndAnIdleSyncSendsNothing() throws Exception {
        SyncResult first = sync(cluster.build(), Set.of());
        assertThat(first.fullSync()).isTrue();
        assertThat(nft.listCalls).isEqualTo(1);
        String text = nft.lastApplied().text();
        assertThat(text).startsWith("add table ip kube-proxy { comment \"rules for kube-proxy\" ; }\n"
                + "add chain ip kube-proxy filter-prerouting-pre-dnat\n"
                + "delete chain ip kube-proxy filter-prerouting-pre-dnat\n");
        int applied = nft.applied().size();

        SyncResult idle = sync(cluster.build(), Set.of());

        assertThat(idle.fullSync()).isFalse();
        assertThat(nft.applied()).hasSize(applied);
        assertThat(nft.listCalls).as("partial syncs never list the kernel").isEqualTo(1);
        assertThat(backend.state(IpFamily.IPv4).lastOperations()).isZero();
    }

    @Test
    void aPartialSyncRewritesOnlyTheChangedServiceAndSendsTheElementDiff() throws Exception {
        sync(cluster.build(), Set.of());
        String before = state();

        cluster.service(clusterIP("ns", "a", "10.96.0.1"), ep("10.244.1.9", Snapshots.NODE));
        sync(cluster.build(), Set.of(A));

        Transaction tx = nft.lastApplied();
        assertThat(tx.text()).isEqualTo("""
                add chain ip kube-proxy service-ZRHCNKNB-ns/a/tcp/http
                flush chain ip kube-proxy service-ZRHCNKNB-ns/a/tcp/http
                add rule ip kube-proxy service-ZRHCNKNB-ns/a/tcp/http meta l4proto tcp dnat ip addr . port to numgen random mod 1 map { 0 : 10.244.1.9 . 8080 }
                delete element ip kube-proxy hairpin-connections { 10.244.1.1 . 10.244.1.1 . tcp . 8080 }
                add element ip kube-proxy hairpin-connections { 10.244.1.9 . 10.244.1.9 . tcp . 8080 }
                """.replace("ZRHCNKNB", hashOf("ns/a/tcp/http")));
        assertThat(tx.text()).doesNotContain("ns/b");
        // Everything of ns/b is byte-identical in the kernel.
        assertThat(state().lines().filter(l -> l.contains("ns/b")).toList())
                .isEqualTo(before.lines().filter(l -> l.contains("ns/b")).toList());
    }

    @Test
    void aRemovedServiceLeavesAStaleChainThatALaterTransactionDeletes() throws Exception {
        sync(cluster.build(), Set.of());
        String chainB = "service-" + hashOf("ns/b/tcp/http") + "-ns/b/tcp/http";

        cluster.remove(Snapshots.spn("ns", "b", "http"));
        sync(cluster.build(), Set.of(B));
        assertThat(nft.lastApplied().text()).contains("flush chain ip kube-proxy " + chainB + "\n")
                .doesNotContain("delete chain");
        assertThat(backend.state(IpFamily.IPv4).committed().staleChains()).containsOnlyKeys(chainB);

        time.advance(Duration.ofSeconds(2));
        int before = nft.applied().size();
        sync(cluster.build(), Set.of());

        assertThat(nft.applied()).hasSize(before + 1);
        assertThat(nft.lastApplied().text()).isEqualTo("delete chain ip kube-proxy " + chainB + "\n");
        assertThat(state()).doesNotContain(chainB);
        assertThat(backend.state(IpFamily.IPv4).committed().staleChains()).isEmpty();
    }

    @Test
    void aFailedTransactionKeepsTheKernelStateCountsAndForcesAFullSync() throws Exception {
        sync(cluster.build(), Set.of());
        String before = state();
        nft.failWhen(tx -> true);

        cluster.service(clusterIP("ns", "a", "10.96.0.1"), ep("10.244.1.9", Snapshots.NODE));
        assertThatThrownBy(() -> sync(cluster.build(), Set.of(A))).isInstanceOf(SyncException.class)
                .hasMessageContaining("injected failure");

        assertThat(state()).isEqualTo(before);
        assertThat(metrics.get("syncFailure/IPv4")).isEqualTo(1);
        nft.failWhen(tx -> false);
        SyncResult retry = sync(cluster.build(), Set.of());
        assertThat(retry.fullSync()).isTrue();
        assertThat(nft.listCalls).isEqualTo(2);
        assertThat(state()).contains("10.244.1.9 . 8080").doesNotContain("10.244.1.1 . 10.244.1.1");
        assertThat(nft.lastApplied().text()).as("only the first full sync re-creates base chains")
                .doesNotContain("delete chain ip kube-proxy filter-input");
    }

    @Test
    void aFullSyncHappensHourly() throws Exception {
        sync(cluster.build(), Set.of());
        assertThat(sync(cluster.build(), Set.of()).fullSync()).isFalse();
        time.advance(Duration.ofMinutes(61));
        assertThat(sync(cluster.build(), Set.of()).fullSync()).isTrue();
    }

    @Test
    void aFullSyncRequestIsHonoured() throws Exception {
        sync(cluster.build(), Set.of());
        time.advance(Duration.ofSeconds(1));
        assertThat(backend.sync(SyncRequest.full(cluster.build())).fullSync()).isTrue();
    }

    @Test
    void leftoverChainsOfAPreviousProcessAreFlushedThenDeleted() throws Exception {
        String leftover = "service-AAAAAAAA-old/gone/tcp/http";
        nft.apply(Transaction.builder(NftFamily.IP, "kube-proxy").add(new Table(null)).add(Chain.regular(leftover))
                .build());

        sync(cluster.build(), Set.of());
        assertThat(nft.lastApplied().text()).contains("flush chain ip kube-proxy " + leftover + "\n");
        time.advance(Duration.ofSeconds(2));
        sync(cluster.build(), Set.of());

        assertThat(state()).doesNotContain(leftover);
    }

    @Test
    void aFailedStaleChainDeletionIsCountedAndMakesTheSyncFull() throws Exception {
        sync(cluster.build(), Set.of());
        cluster.remove(Snapshots.spn("ns", "b", "http"));
        sync(cluster.build(), Set.of(B));
        time.advance(Duration.ofSeconds(2));
        nft.failWhen(tx -> tx.text().startsWith("delete chain"));

        SyncResult r = sync(cluster.build(), Set.of());

        assertThat(metrics.get("cleanupFailure/IPv4")).isEqualTo(1);
        assertThat(r.fullSync()).isTrue();
    }

    @Test
    void cleanupDeletesOnlyTheKubeProxyTables() throws Exception {
        sync(cluster.build(), Set.of());
        nft.apply(Transaction.builder(NftFamily.IP, "other").add(new Table(null)).add(Chain.regular("mine")).build());

        backend.cleanup();
        backend.cleanup(); // idempotent

        assertThat(nft.table(NftFamily.IP, "kube-proxy")).isNull();
        assertThat(nft.table(NftFamily.IP, "other")).isNotNull();
        assertThat(sync(cluster.build(), Set.of()).fullSync()).isTrue();
    }

    @Test
    void noLocalEndpointGaugesAreExported() throws Exception {
        cluster.service(Snapshots.nodePort("ns", "c", 30080, io.sluice.core.model.TrafficPolicy.Local, "10.96.0.3"),
                ep("10.244.3.1", "node-b"));
        sync(cluster.build(), Set.of());
        assertThat(metrics.get("noLocal/external/IPv4")).isEqualTo(1);
        assertThat(metrics.get("noLocal/internal/IPv4")).isZero();
    }

    @Test
    void aDualStackNodeProgramsBothTables() throws Exception {
        cluster.nodeAddresses("192.168.0.2", "2001:db8::2")
                .service(clusterIP("ns", "v6", "fd00::10"), ep("fd00:244::1", Snapshots.NODE));
        sync(cluster.build(), Set.of());

        String v6 = NftDump.sort(nft.dump(NftFamily.IP6, "kube-proxy"));
        assertThat(v6).contains("add element ip6 kube-proxy cluster-ips { fd00::10 }")
                .contains("meta l4proto tcp dnat ip6 addr . port to numgen random mod 1 map { 0 : fd00:244::1 . 8080 }")
                .doesNotContain("10.96.0.1");
        assertThat(state()).doesNotContain("fd00::10");
    }

    @Test
    void staleUdpConntrackEntriesAreDeletedAfterASuccessfulSync() throws Exception {
        io.sluice.core.model.ServicePort dns = new io.sluice.core.model.ServicePort(
                io.sluice.core.model.ServicePortName.of("kube-system", "dns", "dns", io.sluice.core.model.Protocol.UDP),
                io.sluice.core.model.ServiceType.ClusterIP, List.of("10.96.0.10"), 53, 0, List.of(), List.of(),
                List.of(), io.sluice.core.model.TrafficPolicy.Cluster, io.sluice.core.model.TrafficPolicy.Cluster,
                io.sluice.core.model.SessionAffinity.NONE, 0, "");
        cluster.service(dns, ep("10.244.5.1", "node-b"), ep("10.244.5.2", "node-b"));
        sync(cluster.build(), Set.of());
        conntrackDeletes.clear();

        cluster.service(dns, ep("10.244.5.1", "node-b"));
        sync(cluster.build(), Set.of(new NamespacedName("kube-system", "dns")));

        assertThat(conntrackDeletes).containsExactly(List.of("-D", "-p", "udp", "--orig-dst", "10.96.0.10",
                "--orig-port-dst", "53", "--dst-nat", "10.244.5.2"));
    }

    static String hashOf(String base) {
        return io.sluice.nftables.render.NftChainNames.servicePortChainNameBase(
                io.sluice.core.model.ServicePortName.of(base.split("/")[0], base.split("/")[1], base.split("/")[3],
                        io.sluice.core.model.Protocol.TCP)).substring(0, 8);
    }

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
