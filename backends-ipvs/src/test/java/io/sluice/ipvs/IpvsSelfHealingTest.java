package io.sluice.ipvs;

import io.sluice.core.backend.SyncRequest;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.sluice.ipvs.Snap.ep;
import static io.sluice.ipvs.Snap.svc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Self-healing of the IPVS backend on the in-memory kernel: once per syncPeriod a partial sync checks that the
 * virtual servers, kube-ipvs0 addresses and ipsets the last sync left still exist; when someone else removed one, the
 * sync turns full, re-reads the kernel and puts everything back, and {@code sluice_repairs_total{what}} counts it.
 * Between checks partial syncs stay proportional to the change.
 */
class IpvsSelfHealingTest {
    private static final VirtualServer.Key SVC1 = new VirtualServer.Key("172.30.0.41", Protocol.TCP, 80);
    private static final Duration SYNC_PERIOD = TestConfigs.ipvs().syncPeriod();

    private final TestKernel k = new TestKernel();
    private final IpvsBackend backend = k.backend(TestConfigs.ipvs());
    private final ProxySnapshot snapshot = twoServices();
    private TreeMap<VirtualServer.Key, VirtualServer> vssAfterFullSync;
    private TreeSet<String> addressesAfterFullSync;
    private TreeMap<String, TreeSet<String>> setsAfterFullSync;

    private static ProxySnapshot twoServices() {
        Snap s = Snap.create();
        s.add(svc("ns1", "svc1").clusterIP("172.30.0.41").nodePort(3001), ep("10.180.0.1", 8080));
        s.add(svc("ns2", "svc2").clusterIP("172.30.0.42"), ep("10.180.1.1", 8080));
        return s.build();
    }

    @BeforeEach
    void syncedOnce() throws Exception {
        assertThat(backend.sync(SyncRequest.full(snapshot)).fullSync()).isTrue();
        vssAfterFullSync = new TreeMap<>(k.ipvs.vss);
        addressesAfterFullSync = new TreeSet<>(k.link.addresses);
        setsAfterFullSync = new TreeMap<>();
        k.ipset.sets.forEach((name, entries) -> setsAfterFullSync.put(name, new TreeSet<>(entries)));
    }

    private boolean periodicSync() throws Exception {
        k.clock.advance(SYNC_PERIOD);
        return backend.sync(new SyncRequest(snapshot, Set.of(), false)).fullSync();
    }

    private void assertRepaired() {
        assertThat(k.ipvs.vss).isEqualTo(vssAfterFullSync);
        assertThat(k.link.exists).isTrue();
        assertThat(k.link.addresses).isEqualTo(addressesAfterFullSync);
        assertThat(k.ipset.sets).isEqualTo(setsAfterFullSync);
    }

    @Test
    void withoutDriftThePeriodicCheckFindsNothingAndSyncsStayPartial() throws Exception {
        assertThat(periodicSync()).isFalse();
        assertThat(periodicSync()).isFalse();
        assertThat(k.metrics.repairs).isEmpty();
    }

    @Test
    void aDeletedVirtualServerIsRepairedByTheNextPeriodicSync() throws Exception {
        k.ipvs.deleteVirtualServer(SVC1);                 // ipvsadm -D -t 172.30.0.41:80
        assertThat(periodicSync()).isTrue();
        assertRepaired();
        assertThat(k.metrics.repairs).containsExactly("ipvs/virtual-server");
        assertThat(periodicSync()).as("back to partial").isFalse();
    }

    @Test
    void aFlushedIpvsTableAndADeletedKubeIpvs0AreRepaired() throws Exception {
        for (VirtualServer.Key key : new TreeSet<>(k.ipvs.vss.keySet())) {   // ipvsadm -C
            k.ipvs.deleteVirtualServer(key);
        }
        k.link.delete();                                  // ip link del kube-ipvs0
        assertThat(periodicSync()).isTrue();
        assertRepaired();
        assertThat(k.metrics.repairs).containsExactly("ipvs/address", "ipvs/virtual-server");
    }

    @Test
    void aDestroyedIpsetIsRepaired() throws Exception {
        k.ipset.sets.remove("KUBE-CLUSTER-IP");           // ipset destroy KUBE-CLUSTER-IP (after its rules went)
        assertThat(periodicSync()).isTrue();
        assertRepaired();
        assertThat(k.metrics.repairs).containsExactly("ipvs/ipset");
    }

    @Test
    void partialSyncsBetweenChecksStayPartialAndTheDueCheckRepairs() throws Exception {
        k.ipvs.deleteVirtualServer(SVC1);
        int writes = k.ipvs.calls.size();
        assertThat(backend.sync(new SyncRequest(snapshot, Set.of(), false)).fullSync())
                .as("within syncPeriod of the last check: no check, proportional to the change").isFalse();
        assertThat(k.ipvs.calls).as("nothing changed, nothing written").hasSize(writes);
        assertThat(k.metrics.repairs).isEmpty();
        assertThat(periodicSync()).isTrue();
        assertRepaired();
    }
}
