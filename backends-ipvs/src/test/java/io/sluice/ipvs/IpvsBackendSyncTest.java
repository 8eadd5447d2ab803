package io.sluice.ipvs;

import io.sluice.core.conntrack.UdpSnapshots;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.sluice.ipvs.Snap.ep;
import static io.sluice.ipvs.Snap.svc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpvsBackendSyncTest {
    private static final VirtualServer.Key SVC1 = new VirtualServer.Key("172.30.0.41", Protocol.TCP, 80);
    private static final VirtualServer.Key SVC2 = new VirtualServer.Key("172.30.0.42", Protocol.TCP, 80);

    private final TestKernel k = new TestKernel();
    private final IpvsBackend backend = k.backend(TestConfigs.excludeCidrs("10.250.0.0/16"));

    private static ProxySnapshot twoServices(String... svc1Endpoints) {
        Snap s = Snap.create();
        s.add(svc("ns1", "svc1").clusterIP("172.30.0.41").nodePort(3001),
                java.util.Arrays.stream(svc1Endpoints).map(ip -> ep(ip, 8080)).toArray(io.sluice.core.model.Endpoint[]::new));
        s.add(svc("ns2", "svc2").clusterIP("172.30.0.42"), ep("10.180.1.1", 8080));
        return s.build();
    }

    private ProxySnapshot last = ProxySnapshot.empty(Snap.NODE);

    /** A partial request naming the services that changed since the previous request, as the sync engine does. */
    private SyncResult partial(ProxySnapshot s) throws SyncException {
        Set<io.sluice.core.model.NamespacedName> changed = Snap.changed(last, s);
        last = s;
        return backend.sync(new SyncRequest(s, changed, false));
    }

    private SyncResult full(ProxySnapshot s) throws SyncException {
        last = s;
        return backend.sync(SyncRequest.full(s));
    }

    @Test
    void firstSyncBuildsEverythingFromEmpty() throws Exception {
        SyncResult r = full(twoServices("10.180.0.1", "10.180.0.2"));

        assertThat(r.fullSync()).isTrue();
        assertThat(k.link.exists).isTrue();
        assertThat(k.link.addresses).containsExactly("172.30.0.41", "172.30.0.42");
        assertThat(k.ipvs.vss.keySet()).containsExactly(SVC1, SVC2,
                new VirtualServer.Key(Snap.NODE_IP, Protocol.TCP, 3001));
        assertThat(k.ipvs.rss.get(SVC1).values()).containsExactly(RealServer.of("10.180.0.1", 8080),
                RealServer.of("10.180.0.2", 8080));
        assertThat(k.ipset.sets.get("KUBE-CLUSTER-IP")).containsExactly("172.30.0.41,tcp:80", "172.30.0.42,tcp:80");
        assertThat(k.ipset.sets.get("KUBE-NODE-PORT-TCP")).containsExactly("3001");
        assertThat(k.ipset.sets).hasSize(17);
        assertThat(k.ipset.payloads).hasSize(1);
        assertThat(k.iptables.payloads).hasSize(1);
        // Jump rules: checked, then inserted.
        assertThat(k.commands.rules).hasSize(9);
        assertThat(k.commands.calls).contains(List.of("iptables", "-w", "5", "-I", "OUTPUT", "-t", "nat", "-m",
                "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"));
        assertThat(k.sysctl.writes).containsExactly("net/ipv4/vs/conntrack=1", "net/ipv4/vs/expire_nodest_conn=1",
                "net/ipv4/vs/expire_quiescent_template=1", "net/ipv4/ip_forward=1");
        assertThat(r.bytesWritten()).isEqualTo(
                1 /* link */ + 3 /* VSs */ + 5 /* RSs */ + 2 /* binds */ + 1 /* ipset */ + 1 /* iptables */);
    }

    @Test
    void unchangedSecondSyncIssuesNoOperations() throws Exception {
        ProxySnapshot s = twoServices("10.180.0.1", "10.180.0.2");
        full(s);
        int ipvsCalls = k.ipvs.calls.size();
        int linkCalls = k.link.calls.size();

        assertThat(partial(s).bytesWritten()).isZero();
        SyncResult again = full(s);

        // A full resync re-reads the kernel: nothing differs; only what cannot be read back is asserted again (the
        // link is ensured, the iptables rules restored), which also repairs chains flushed by someone else.
        assertThat(again.fullSync()).isTrue();
        assertThat(again.bytesWritten()).isEqualTo(2);
        assertThat(k.ipvs.calls).hasSize(ipvsCalls);
        assertThat(k.link.calls).hasSize(linkCalls);
        assertThat(k.ipset.payloads).hasSize(1);
        assertThat(k.iptables.payloads).hasSize(2);
        assertThat(k.iptables.payloads.get(1)).isEqualTo(k.iptables.payloads.get(0));
    }

    @Test
    void removedEndpointDrainsAtWeightZeroThenIsDeleted() throws Exception {
        full(twoServices("10.180.0.1", "10.180.0.2"));
        k.ipvs.setConns(SVC1, "10.180.0.2", 8080, 2, 1);

        partial(twoServices("10.180.0.1"));
        assertThat(k.ipvs.realServer(SVC1, "10.180.0.2", 8080).weight()).isZero();

        k.clock.advance(Duration.ofSeconds(30));
        partial(twoServices("10.180.0.1"));
        assertThat(k.ipvs.realServer(SVC1, "10.180.0.2", 8080)).as("still draining").isNotNull();

        k.ipvs.setConns(SVC1, "10.180.0.2", 8080, 0, 0);
        k.clock.advance(Duration.ofSeconds(20));
        partial(twoServices("10.180.0.1"));
        assertThat(k.ipvs.realServer(SVC1, "10.180.0.2", 8080)).as("checked at most once a minute").isNotNull();

        k.clock.advance(Duration.ofSeconds(15));
        partial(twoServices("10.180.0.1"));
        assertThat(k.ipvs.realServer(SVC1, "10.180.0.2", 8080)).isNull();
        assertThat(k.ipvs.realServer(SVC1, "10.180.0.1", 8080).weight()).isEqualTo(1);
    }

    @Test
    void drainingEndpointThatComesBackIsReweighted() throws Exception {
        full(twoServices("10.180.0.1", "10.180.0.2"));
        k.ipvs.setConns(SVC1, "10.180.0.2", 8080, 5, 0);
        partial(twoServices("10.180.0.1"));
        assertThat(k.ipvs.realServer(SVC1, "10.180.0.2", 8080).weight()).isZero();

        partial(twoServices("10.180.0.1", "10.180.0.2"));

        assertThat(k.ipvs.realServer(SVC1, "10.180.0.2", 8080).weight()).isEqualTo(1);
        k.ipvs.setConns(SVC1, "10.180.0.2", 8080, 0, 0);
        k.clock.advance(Duration.ofMinutes(5));
        partial(twoServices("10.180.0.1", "10.180.0.2"));
        assertThat(k.ipvs.realServer(SVC1, "10.180.0.2", 8080)).as("no longer queued").isNotNull();
    }

    /**
     * kube-proxy pkg/proxy/conntrack/cleanup.go CleanStaleEntries, run by the IPVS proxier after each sync: entries
     * DNATed to a removed UDP real server are deleted; a UDP service that drops to zero endpoints has the entries of
     * its last endpoint deleted, and when it gets an endpoint again the entries that blackholed meanwhile go too.
     */
    @Test
    void staleUdpConntrackEntriesAreClearedForRemovedRealServersAndEmptiedServices() throws Exception {
        ProxySnapshot two = UdpSnapshots.dns(Snap.NODE, java.util.Map.of(UdpSnapshots.DNS,
                java.util.List.of(ep("10.180.0.1", 53), ep("10.180.0.2", 53))));
        ProxySnapshot one = UdpSnapshots.dns(Snap.NODE, java.util.Map.of(UdpSnapshots.DNS,
                java.util.List.of(ep("10.180.0.1", 53))));
        ProxySnapshot none = UdpSnapshots.dns(Snap.NODE, java.util.Map.of());
        full(two);
        assertThat(k.conntrack.calls).isEmpty();

        partial(one);
        assertThat(k.conntrack.calls).containsExactly(
                java.util.List.of("conntrack", "-D", "-p", "udp", "--orig-dst", "10.96.0.10", "--orig-port-dst",
                        "53", "--dst-nat", "10.180.0.2"),
                java.util.List.of("conntrack", "-D", "-p", "udp", "--orig-port-dst", "30053", "--dst-nat",
                        "10.180.0.2"));

        k.conntrack.calls.clear();
        partial(none);
        assertThat(k.conntrack.calls).contains(java.util.List.of("conntrack", "-D", "-p", "udp", "--orig-dst",
                "10.96.0.10", "--orig-port-dst", "53", "--dst-nat", "10.180.0.1"));

        k.conntrack.calls.clear();
        partial(one);
        assertThat(k.conntrack.calls).contains(java.util.List.of("conntrack", "-D", "-p", "udp", "--orig-dst",
                "10.96.0.10", "--orig-port-dst", "53"));
    }

    /** kube-proxy's IPVS proxier writes MASQUERADE --random-fully only when iptables has it (HasRandomFully). */
    @Test
    void randomFullyIsProbedWhenNotAssumed() throws Exception {
        TestKernel old = new TestKernel();
        old.iptables.randomFully = false;
        old.backend(TestConfigs.ipvs(), io.sluice.core.backend.KernelAssumptions.PROBE)
                .sync(SyncRequest.full(twoServices("10.180.0.1")));
        assertThat(old.iptables.payloads).isNotEmpty().allMatch(p -> p.contains("-j MASQUERADE")
                && !p.contains("--random-fully"));

        TestKernel recent = new TestKernel();
        recent.iptables.randomFully = true;
        recent.backend(TestConfigs.ipvs(), io.sluice.core.backend.KernelAssumptions.PROBE)
                .sync(SyncRequest.full(twoServices("10.180.0.1")));
        assertThat(recent.iptables.payloads).anyMatch(p -> p.contains("-j MASQUERADE --random-fully"));
    }

    @Test
    void udpRealServerIsDeletedImmediately() throws Exception {
        VirtualServer.Key dns = new VirtualServer.Key("172.30.0.10", Protocol.UDP, 53);
        full(Snap.create().add(svc("kube-system", "dns", "dns", Protocol.UDP).clusterIP("172.30.0.10").port(53),
                ep("10.180.0.1", 53), ep("10.180.0.2", 53)).build());
        k.ipvs.setConns(dns, "10.180.0.2", 53, 0, 7);

        partial(Snap.create().add(svc("kube-system", "dns", "dns", Protocol.UDP).clusterIP("172.30.0.10").port(53),
                ep("10.180.0.1", 53)).build());

        assertThat(k.ipvs.realServer(dns, "10.180.0.2", 53)).isNull();
    }

    @Test
    void staleVirtualServersAreDeletedExceptInsideExcludeCidrs() throws Exception {
        VirtualServer foreignExcluded = new VirtualServer("10.250.0.1", Protocol.TCP, 80, "wrr", 0, 0);
        VirtualServer stale = new VirtualServer("10.99.0.1", Protocol.TCP, 80, "rr", 0, 0);
        VirtualServer otherFamily = new VirtualServer("fd00::99", Protocol.TCP, 80, "rr", 0, 0);
        k.ipvs.preload(foreignExcluded, RealServer.of("10.250.1.1", 80));
        k.ipvs.preload(stale);
        k.ipvs.preload(otherFamily);
        k.link.exists = true;
        k.link.addresses.add("10.99.0.1");

        full(twoServices("10.180.0.1"));

        assertThat(k.ipvs.vss).containsKey(foreignExcluded.key()).containsKey(otherFamily.key())
                .doesNotContainKey(stale.key());
        assertThat(k.ipvs.rss.get(foreignExcluded.key())).hasSize(1);
        assertThat(k.link.addresses).doesNotContain("10.99.0.1");

        // Deleting a service removes its virtual servers and unbinds its address.
        partial(Snap.create().add(svc("ns2", "svc2").clusterIP("172.30.0.42"), ep("10.180.1.1", 8080)).build());
        assertThat(k.ipvs.vss.keySet()).containsExactlyInAnyOrder(SVC2, foreignExcluded.key(), otherFamily.key());
        assertThat(k.link.addresses).containsExactly("172.30.0.42");
        assertThat(k.ipset.sets.get("KUBE-CLUSTER-IP")).containsExactly("172.30.0.42,tcp:80");
    }

    @Test
    void changedSchedulerSettingsUpdateTheVirtualServer() throws Exception {
        full(twoServices("10.180.0.1"));
        partial(Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41").nodePort(3001).affinity(300),
                ep("10.180.0.1", 8080)).add(svc("ns2", "svc2").clusterIP("172.30.0.42"), ep("10.180.1.1", 8080))
                .build());
        assertThat(k.ipvs.vss.get(SVC1).flags()).isEqualTo(VirtualServer.FLAG_PERSISTENT);
        assertThat(k.ipvs.vss.get(SVC1).timeout()).isEqualTo(300);
        assertThat(k.ipvs.calls).contains("update-vs " + SVC1);
    }

    @Test
    void oneFailingVirtualServerDoesNotStopTheOthersAndForcesAFullResync() throws Exception {
        k.ipvs.failing.add(SVC1);

        SyncResult r = full(twoServices("10.180.0.1"));

        assertThat(k.ipvs.vss).doesNotContainKey(SVC1).containsKey(SVC2);
        assertThat(k.ipvs.rss.get(SVC2)).hasSize(1);
        assertThat(k.ipset.sets.get("KUBE-CLUSTER-IP")).hasSize(2);
        assertThat(k.metrics.errors).containsExactly("ipvs/add-virtual-server");
        assertThat(k.fullSyncRequests).isEqualTo(1);
        assertThat(r.bytesWritten()).isPositive();

        k.ipvs.failing.clear();
        SyncResult next = partial(twoServices("10.180.0.1"));

        assertThat(next.fullSync()).as("a partial request became a full resync").isTrue();
        assertThat(k.ipvs.vss).containsKey(SVC1);
        assertThat(k.ipvs.rss.get(SVC1).values()).containsExactly(RealServer.of("10.180.0.1", 8080));
        assertThat(partial(twoServices("10.180.0.1")).fullSync()).isFalse();
    }

    @Test
    void failedIptablesRestoreThrowsCountsAndResyncs() throws Exception {
        k.iptables.fail = true;
        assertThatThrownBy(() -> full(twoServices("10.180.0.1"))).isInstanceOf(SyncException.class);
        assertThat(k.metrics.restoreFailures).hasSize(1);

        k.iptables.fail = false;
        SyncResult r = partial(twoServices("10.180.0.1"));
        assertThat(r.fullSync()).isTrue();
        assertThat(k.iptables.payloads).hasSize(1);
    }

    @Test
    void hostileNamesNeverReachIpsetOrIptables() throws Exception {
        String evil = "x\n-A INPUT -j ACCEPT\"; $(rm -rf /)";
        ProxySnapshot s = Snap.create()
                .add(new Snap.Svc("ns" + evil, "svc" + evil, "port" + evil, Protocol.TCP).clusterIP("172.30.0.41")
                        .nodePort(3001).loadBalancer("1.2.3.4").sourceRanges("10.0.0.0/8"), ep("10.180.0.1", 80))
                .build();

        full(s);
        String render = backend.render(s);

        for (String payload : List.of(String.join("", k.ipset.payloads), String.join("", k.iptables.payloads),
                render)) {
            assertThat(payload).doesNotContain("rm -rf").doesNotContain("-A INPUT").doesNotContain("ns" + "x")
                    .doesNotContain("$(");
        }
        assertThat(k.ipvs.vss).containsKey(new VirtualServer.Key("172.30.0.41", Protocol.TCP, 80));
    }

    @Test
    void sysctlsFollowKernelVersionAndStrictArp() throws Exception {
        TestKernel old = new TestKernel();
        old.sysctl.values.put("kernel/osrelease", "5.4.0-100-generic");
        old.sysctl.values.put("net/ipv4/ip_forward", "1");
        old.backend(TestConfigs.with("rr", List.of(), List.of(), List.of(), true))
                .sync(SyncRequest.full(Snap.create().build()));

        assertThat(old.sysctl.writes).containsExactly("net/ipv4/vs/conntrack=1", "net/ipv4/vs/conn_reuse_mode=0",
                "net/ipv4/vs/expire_nodest_conn=1", "net/ipv4/vs/expire_quiescent_template=1",
                "net/ipv4/conf/all/arp_ignore=1", "net/ipv4/conf/all/arp_announce=2");
    }
}
