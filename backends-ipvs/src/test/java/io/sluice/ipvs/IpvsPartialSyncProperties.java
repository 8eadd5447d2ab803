package io.sluice.ipvs;

import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of snapshots (services and their ports, endpoints, external/LB IPs shared between services, node
 * ports, traffic policies, affinity; host address changes), synced partially (naming the changed services, as the
 * sync engine does) or fully, with injected IPVS, ipset and iptables failures and connections that make removed TCP
 * real servers drain. After every sync without an injected failure the fake kernel must equal what a fresh
 * backend's full sync of the same snapshot produces, except for real servers still draining (weight 0, no longer
 * desired), which are accounted for explicitly.
 */
class IpvsPartialSyncProperties {
    private static final String[] EXTERNAL = {"192.168.99.1", "192.168.99.2"};
    private static final String[] PODS = {"10.180.0.1", "10.180.0.2", "10.180.0.3", "10.180.0.4", "10.180.0.5",
        "10.180.0.6"};

    @Property(tries = 150)
    void everySyncConvergesToAFreshFullSync(@ForAll long seed, @ForAll @IntRange(min = 1, max = 14) int steps)
            throws Exception {
        Random rnd = new Random(seed);
        TestKernel k = new TestKernel();
        IpvsBackend backend = k.backend(TestConfigs.ipvs());
        ProxySnapshot lastOk = ProxySnapshot.empty(Snap.NODE);
        boolean first = true;
        for (int step = 0; step < steps; step++) {
            ProxySnapshot s = snapshot(rnd);
            if (rnd.nextInt(10) == 0) {
                // The host gains or loses an address an external IP uses: not bound any more / again.
                if (!k.localAddresses.remove(EXTERNAL[0])) {
                    k.localAddresses.add(EXTERNAL[0]);
                }
            }
            drainSomeConnections(k, rnd);
            k.clock.advance(Duration.ofSeconds(rnd.nextInt(90)));
            boolean inject = !first && rnd.nextInt(6) == 0;
            if (inject) {
                switch (rnd.nextInt(3)) {
                    case 0 -> k.ipvs.failing.add(new VirtualServer.Key("172.30.0." + (40 + rnd.nextInt(4)),
                            Protocol.TCP, 80));
                    case 1 -> k.ipset.fail = true;
                    default -> k.iptables.fail = true;
                }
            }
            boolean full = first || rnd.nextInt(5) == 0;
            SyncRequest req = full ? SyncRequest.full(s) : new SyncRequest(s, Snap.changed(lastOk, s), false);
            int requestsBefore = k.fullSyncRequests;
            boolean threw = false;
            try {
                backend.sync(req);
                lastOk = s;
            } catch (SyncException e) {
                threw = true;
            }
            k.ipvs.failing.clear();
            k.ipset.fail = false;
            k.iptables.fail = false;
            first = false;
            if (inject) {
                continue;
            }
            assertThat(threw).as("no failure injected").isFalse();
            assertThat(k.fullSyncRequests).isEqualTo(requestsBefore);
            assertMatchesFreshFullSync(k, s, "step " + step + (full ? " (full)" : " (partial)"));
        }
    }

    private static void assertMatchesFreshFullSync(TestKernel k, ProxySnapshot s, String what) throws Exception {
        TestKernel ref = new TestKernel();
        ref.localAddresses.clear();
        ref.localAddresses.addAll(k.localAddresses);
        ref.backend(TestConfigs.ipvs()).sync(SyncRequest.full(s));

        assertThat(k.ipvs.vss).as(what + ": virtual servers").isEqualTo(ref.ipvs.vss);
        for (VirtualServer.Key vs : ref.ipvs.vss.keySet()) {
            TreeMap<String, RealServer> want = ref.ipvs.rss.getOrDefault(vs, new TreeMap<>());
            TreeMap<String, String> have = new TreeMap<>();
            for (Map.Entry<String, RealServer> e : k.ipvs.rss.getOrDefault(vs, new TreeMap<>()).entrySet()) {
                RealServer rs = e.getValue();
                if (rs.weight() == 0 && !want.containsKey(e.getKey())) {
                    // Still draining: weighted 0, queued until a queue check (at most once a minute) finds its
                    // connections gone. Only TCP drains; UDP/SCTP real servers are deleted at once.
                    assertThat(vs.protocol()).as(what + ": draining " + rs).isEqualTo(Protocol.TCP);
                    continue;
                }
                have.put(e.getKey(), rs.address() + ":" + rs.port() + " w" + rs.weight());
            }
            TreeMap<String, String> expected = new TreeMap<>();
            want.forEach((key, rs) -> expected.put(key, rs.address() + ":" + rs.port() + " w" + rs.weight()));
            assertThat(have).as(what + ": real servers of " + vs).isEqualTo(expected);
        }
        assertThat(k.link.exists).isTrue();
        assertThat(k.link.addresses).as(what + ": kube-ipvs0").isEqualTo(ref.link.addresses);
        assertThat(k.ipset.sets).as(what + ": ipsets").isEqualTo(ref.ipset.sets);
        assertThat(lastPayload(k, IpFamily.IPv4)).as(what + ": iptables").isEqualTo(lastPayload(ref, IpFamily.IPv4));
    }

    private static String lastPayload(TestKernel k, IpFamily f) {
        for (int i = k.iptables.payloads.size() - 1; i >= 0; i--) {
            if (k.iptables.families.get(i) == f) {
                return k.iptables.payloads.get(i);
            }
        }
        return null;
    }

    /** Gives some TCP real servers open connections (so removing them drains) and closes others. */
    private static void drainSomeConnections(TestKernel k, Random rnd) {
        for (Map.Entry<VirtualServer.Key, TreeMap<String, RealServer>> e : k.ipvs.rss.entrySet()) {
            for (RealServer rs : List.copyOf(e.getValue().values())) {
                int r = rnd.nextInt(6);
                if (r == 0) {
                    k.ipvs.setConns(e.getKey(), rs.address(), rs.port(), 1, 1);
                } else if (r == 1) {
                    k.ipvs.setConns(e.getKey(), rs.address(), rs.port(), 0, 0);
                }
            }
        }
    }

    private static ProxySnapshot snapshot(Random rnd) {
        Snap snap = Snap.create();
        for (int i = 0; i < 4; i++) {
            if (rnd.nextInt(10) < 3) {
                continue;
            }
            String clusterIp = rnd.nextInt(10) == 0 ? "172.30.1." + (40 + i) : "172.30.0." + (40 + i);
            int ports = 1 + rnd.nextInt(2);
            boolean etpLocal = rnd.nextInt(3) == 0;
            boolean affinity = rnd.nextInt(5) == 0;
            String external = rnd.nextInt(3) == 0 ? EXTERNAL[rnd.nextInt(EXTERNAL.length)] : null;
            boolean lb = rnd.nextInt(5) == 0;
            for (int p = 0; p < ports; p++) {
                Protocol proto = p == 0 || rnd.nextBoolean() ? Protocol.TCP : Protocol.UDP;
                Snap.Svc svc = Snap.svc("ns", "s" + i, p == 0 ? "a" : "b", proto).clusterIP(clusterIp)
                        .port(80 + p);
                if (rnd.nextInt(3) == 0) {
                    svc.nodePort(30000 + i * 2 + p);
                }
                if (external != null) {
                    svc.externalIPs(external);
                }
                if (lb) {
                    svc.loadBalancer("1.2.3.4");
                    if (rnd.nextBoolean()) {
                        svc.sourceRanges(rnd.nextBoolean() ? "192.168.0.0/24" : "10.0.0.0/8");
                    }
                }
                if (etpLocal) {
                    svc.etpLocal();
                    if (svc.nodePort != 0) {
                        svc.healthCheckNodePort(31000 + i);
                    }
                }
                if (affinity) {
                    svc.affinity(300);
                }
                List<Endpoint> eps = new ArrayList<>();
                for (String pod : PODS) {
                    if (rnd.nextInt(3) == 0) {
                        eps.add(rnd.nextInt(3) == 0 ? Snap.local(pod, 8080) : Snap.ep(pod, 8080));
                    }
                }
                snap.add(svc, eps.toArray(Endpoint[]::new));
            }
        }
        return snap.build();
    }
}
