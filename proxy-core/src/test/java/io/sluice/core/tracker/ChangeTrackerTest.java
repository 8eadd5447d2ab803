package io.sluice.core.tracker;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.SlicePort;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sluice.core.tracker.TrackerFixtures.ep;
import static io.sluice.core.tracker.TrackerFixtures.service;
import static io.sluice.core.tracker.TrackerFixtures.slice;
import static io.sluice.core.tracker.TrackerFixtures.svc;
import static io.sluice.core.tracker.TrackerFixtures.withTriggerTime;
import static org.assertj.core.api.Assertions.assertThat;

class ChangeTrackerTest {
    private static final ServicePortName A80 = ServicePortName.of("ns", "a", "p80", Protocol.TCP);
    private final ChangeTracker tracker = new ChangeTracker("node-1");

    @Test
    void endpointsAreMergedAcrossSlicesSortedAsPlainStrings() {
        tracker.onServiceUpsert(service("a", 80));
        tracker.onEndpointSliceUpsert(slice("a-1", "a", 80, ep("10.1.1.1"), ep("10.1.1.11")));
        tracker.onEndpointSliceUpsert(slice("a-2", "a", 80, ep("10.1.1.2"), ep("fd00::1")));

        // "10.1.1.11:80" < "10.1.1.1:80" because '1' < ':' (upstream TestUpdateEndpointsMap case 13)
        assertThat(tracker.currentSnapshot().endpointsOf(A80)).extracting(Endpoint::ipPort)
                .containsExactly("10.1.1.11:80", "10.1.1.1:80", "10.1.1.2:80", "[fd00::1]:80");
    }

    @Test
    void duplicateEndpointsAreMergedAndTheLocalCopyWins() {
        tracker.onEndpointSliceUpsert(slice("a-1", "a", 80, ep("10.0.0.1", "node-2")));
        tracker.onEndpointSliceUpsert(slice("a-2", "a", 80, ep("10.0.0.1", "node-1")));
        tracker.onEndpointSliceUpsert(slice("a-3", "a", 80, ep("10.0.0.1", "node-3")));

        List<Endpoint> eps = tracker.currentSnapshot().endpointsOf(A80);
        assertThat(eps).hasSize(1);
        assertThat(eps.get(0).nodeName()).isEqualTo("node-1");
    }

    @Test
    void slicePortsMapToServicePortNamesByNameAndProtocol() {
        tracker.onEndpointSliceUpsert(slice("a-1", "a", List.of(new SlicePort("", 8080, Protocol.TCP),
                new SlicePort("dns", 53, Protocol.UDP)), ep("10.0.0.1")));
        ProxySnapshot s = tracker.currentSnapshot();
        assertThat(s.endpointsOf(ServicePortName.of("ns", "a", "", Protocol.TCP)))
                .containsExactly(Endpoint.ready("10.0.0.1", 8080));
        assertThat(s.endpointsOf(ServicePortName.of("ns", "a", "dns", Protocol.UDP)))
                .containsExactly(Endpoint.ready("10.0.0.1", 53));
    }

    @Test
    void drainReportsChangedServicesOnceAndFlapsAsNoChange() {
        tracker.onServiceUpsert(service("a", 80));
        tracker.onServiceUpsert(service("b", 80));
        tracker.onEndpointSliceUpsert(slice("c-1", "c", 80, ep("10.0.0.1")));
        assertThat(tracker.pendingServiceChanges()).isEqualTo(2);
        assertThat(tracker.pendingEndpointChanges()).isEqualTo(1);

        TrackedChanges first = tracker.drain();
        assertThat(first.changedServices()).containsExactlyInAnyOrder(svc("a"), svc("b"), svc("c"));
        assertThat(first.snapshot().services()).hasSize(2);
        assertThat(tracker.drain().changedServices()).isEmpty();

        // A -> B -> A between drains
        tracker.onServiceUpsert(service("a", 81));
        tracker.onServiceUpsert(service("a", 80));
        tracker.onEndpointSliceUpsert(slice("c-1", "c", 80, ep("10.0.0.2")));
        tracker.onEndpointSliceUpsert(slice("c-1", "c", 80, ep("10.0.0.1")));
        assertThat(tracker.pendingServiceChanges()).isZero();
        assertThat(tracker.pendingEndpointChanges()).isZero();
        TrackedChanges flap = tracker.drain();
        assertThat(flap.changedServices()).isEmpty();
        assertThat(flap.snapshot()).isEqualTo(first.snapshot());
    }

    @Test
    void deletesAreChangesAndServiceWithoutPortsIsAbsent() {
        tracker.onServiceUpsert(service("a", 80));
        tracker.onEndpointSliceUpsert(slice("a-1", "a", 80, ep("10.0.0.1")));
        tracker.drain();

        tracker.onServiceUpsert(service("a")); // ignored/rejected Service: delivered without ports
        tracker.onEndpointSliceDelete(svc("a-1"));
        TrackedChanges c = tracker.drain();
        assertThat(c.changedServices()).containsExactly(svc("a"));
        assertThat(c.snapshot().services()).isEmpty();
        assertThat(c.snapshot().endpoints()).isEmpty();

        tracker.onServiceUpsert(service("b")); // absent -> absent: nothing
        tracker.onServiceDelete(svc("zzz"));
        tracker.onEndpointSliceDelete(svc("zzz-1"));
        assertThat(tracker.drain().changedServices()).isEmpty();
    }

    @Test
    void sliceMovingToAnotherServiceLeavesTheOldOne() {
        tracker.onEndpointSliceUpsert(slice("x-1", "a", 80, ep("10.0.0.1")));
        tracker.drain();
        tracker.onEndpointSliceUpsert(slice("x-1", "b", 80, ep("10.0.0.1")));
        TrackedChanges c = tracker.drain();
        assertThat(c.changedServices()).containsExactlyInAnyOrder(svc("a"), svc("b"));
        assertThat(c.snapshot().endpoints()).containsOnlyKeys(ServicePortName.of("ns", "b", "p80", Protocol.TCP));
    }

    @Test
    void triggerTimesOfIncludedEndpointChangesOnly() {
        Instant t1 = Instant.parse("2024-05-01T10:00:00Z");
        Instant t2 = Instant.parse("2024-05-01T10:00:05Z");
        tracker.onEndpointSliceUpsert(withTriggerTime(slice("a-1", "a", 80, ep("10.0.0.1")), t2));
        tracker.onEndpointSliceUpsert(withTriggerTime(slice("b-1", "b", 80, ep("10.0.0.1")), t1));
        TrackedChanges first = tracker.drain();
        assertThat(first.triggerTimes()).containsExactly(t1, t2);
        // Each trigger time keeps its slice's family, so a dual-stack engine records it once.
        assertThat(first.triggerTimesByFamily()).containsOnlyKeys(io.sluice.core.model.IpFamily.IPv4);
        assertThat(first.triggerTimesByFamily().get(io.sluice.core.model.IpFamily.IPv4)).containsExactly(t1, t2);

        // A flap drops its trigger times with it.
        tracker.onEndpointSliceUpsert(withTriggerTime(slice("a-1", "a", 80, ep("10.0.0.9")), t1));
        tracker.onEndpointSliceUpsert(withTriggerTime(slice("a-1", "a", 80, ep("10.0.0.1")), t2));
        assertThat(tracker.drain().triggerTimes()).isEmpty();
    }

    @Test
    void nodeChangesAreReportedForTheOwnNodeOnly() {
        NodeInfo n1 = new NodeInfo("node-1", List.of("10.0.0.1"), new TreeMap<>(Map.of("k", "v")), false);
        tracker.onNodeUpsert(new NodeInfo("node-2", List.of("10.0.0.2"), new TreeMap<>(), false));
        assertThat(tracker.drain().nodeChanged()).isFalse();

        tracker.onNodeUpsert(n1);
        TrackedChanges c = tracker.drain();
        assertThat(c.nodeChanged()).isTrue();
        assertThat(c.snapshot().node()).isEqualTo(n1);
        assertThat(c.changedServices()).isEmpty();

        tracker.onNodeUpsert(new NodeInfo("node-1", List.of("10.0.0.1"), new TreeMap<>(Map.of("k", "v")), true));
        TrackedChanges d = tracker.drain();
        assertThat(d.nodeChanged()).as("deleting is not topology").isFalse();
        assertThat(d.snapshot().node().deleting()).isTrue();
    }

    @Test
    void listenerCountersAndInitialisation() {
        AtomicInteger pokes = new AtomicInteger();
        tracker.setChangeListener(pokes::incrementAndGet);
        assertThat(tracker.isInitialized()).isFalse();

        tracker.onServiceUpsert(service("a", 80));
        tracker.onServiceUpsert(service("a", 80)); // no-op
        tracker.onEndpointSliceUpsert(slice("a-1", "a", 80, ep("10.0.0.1")));
        tracker.onEndpointSliceUpsert(slice("a-1", "a", 80, ep("10.0.0.1"))); // no-op
        tracker.onServiceDelete(svc("unknown")); // no-op
        assertThat(pokes).hasValue(2);
        assertThat(tracker.totalServiceChanges()).isEqualTo(1);
        assertThat(tracker.totalEndpointChanges()).isEqualTo(1);

        tracker.onInitialSyncDone();
        tracker.onInitialSyncDone();
        assertThat(tracker.isInitialized()).isTrue();
        assertThat(pokes).hasValue(3);
    }

    @Test
    void unchangedStateReusesTheSnapshot() {
        tracker.onServiceUpsert(service("a", 80));
        ProxySnapshot s1 = tracker.drain().snapshot();
        assertThat(tracker.drain().snapshot()).isSameAs(s1);
        assertThat(ProxySnapshot.empty("node-1")).isEqualTo(new ChangeTracker("node-1").currentSnapshot());
    }

    @Test
    void tenThousandServicesBuildQuickly() {
        // Not a timing assertion: it checks the incremental structures stay consistent at scale.
        for (int i = 0; i < 10_000; i++) {
            String name = "s" + i;
            tracker.onServiceUpsert(service(name, 80));
            var eps = new io.sluice.core.model.SliceEndpoint[10];
            for (int j = 0; j < 10; j++) {
                eps[j] = ep("10." + (i / 256 % 256) + "." + (i % 256) + "." + j);
            }
            tracker.onEndpointSliceUpsert(slice(name + "-1", name, 80, eps));
        }
        TrackedChanges c = tracker.drain();
        assertThat(c.changedServices()).hasSize(10_000);
        assertThat(c.snapshot().endpointCount()).isEqualTo(100_000);
        tracker.onEndpointSliceDelete(svc("s5-1"));
        TrackedChanges d = tracker.drain();
        assertThat(d.changedServices()).containsExactly(svc("s5"));
        assertThat(d.snapshot().endpointCount()).isEqualTo(99_990);
    }
}
