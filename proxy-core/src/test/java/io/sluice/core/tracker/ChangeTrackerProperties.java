package io.sluice.core.tracker;

import io.sluice.core.model.EndpointSliceObject;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServiceObject;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.SliceEndpoint;
import io.sluice.core.model.SlicePort;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static io.sluice.core.tracker.TrackerFixtures.NS;
import static io.sluice.core.tracker.TrackerFixtures.ep;
import static io.sluice.core.tracker.TrackerFixtures.service;
import static io.sluice.core.tracker.TrackerFixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker is a pure function of the final objects, and its change sets are exactly the services that differ.
 * A small universe (3 services, 4 slice names, few addresses) makes collisions, moves and flaps frequent.
 */
class ChangeTrackerProperties {
    private static final String NODE = "node-1";
    private static final List<String> SERVICES = List.of("a", "b", "c");
    private static final List<String> SLICES = List.of("x-1", "x-2", "y-1", "y-2");

    sealed interface Event permits SvcUpsert, SvcDelete, SliceUpsert, SliceDelete {
    }

    record SvcUpsert(ServiceObject svc) implements Event {
    }

    record SvcDelete(NamespacedName name) implements Event {
    }

    record SliceUpsert(EndpointSliceObject slice) implements Event {
    }

    record SliceDelete(NamespacedName name) implements Event {
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return event().list().ofMaxSize(40);
    }

    private Arbitrary<Event> event() {
        Arbitrary<String> svcName = Arbitraries.of(SERVICES);
        Arbitrary<Event> svcUpsert = Combinators.combine(svcName,
                        Arbitraries.of(80, 81, 82).set().ofMaxSize(2))
                .as((n, ports) -> new SvcUpsert(service(n, ports.stream().mapToInt(Integer::intValue).toArray())));
        Arbitrary<Event> svcDelete = svcName.map(n -> new SvcDelete(new NamespacedName(NS, n)));
        Arbitrary<SliceEndpoint> endpoint = Combinators.combine(
                        Arbitraries.of("10.0.0.1", "10.0.0.2", "10.0.0.11", "fd00::1"),
                        Arbitraries.of("", NODE, "node-2"),
                        Arbitraries.of(true, false))
                .as((ip, node, ready) -> new SliceEndpoint(ip, ready, true, !ready, node, "", Set.of(), Set.of()));
        Arbitrary<SlicePort> port = Combinators.combine(Arbitraries.of("p80", "p81", ""), Arbitraries.of(8080, 9090),
                Arbitraries.of(Protocol.TCP, Protocol.UDP)).as(SlicePort::new);
        Arbitrary<Event> sliceUpsert = Combinators.combine(Arbitraries.of(SLICES), svcName,
                        port.list().ofMaxSize(2), endpoint.list().ofMaxSize(3))
                .as((s, svc, ports, eps) -> new SliceUpsert(
                        slice(s, svc, ports, eps.toArray(new SliceEndpoint[0]))));
        Arbitrary<Event> sliceDelete = Arbitraries.of(SLICES).map(s -> new SliceDelete(new NamespacedName(NS, s)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, svcUpsert), net.jqwik.api.Tuple.of(1, svcDelete),
                net.jqwik.api.Tuple.of(4, sliceUpsert), net.jqwik.api.Tuple.of(1, sliceDelete));
    }

    private static void apply(ChangeTracker t, Event e) {
        if (e instanceof SvcUpsert u) {
            t.onServiceUpsert(u.svc());
        } else if (e instanceof SvcDelete d) {
            t.onServiceDelete(d.name());
        } else if (e instanceof SliceUpsert u) {
            t.onEndpointSliceUpsert(u.slice());
        } else if (e instanceof SliceDelete d) {
            t.onEndpointSliceDelete(d.name());
        }
    }

    /** The final objects after a sequence of events, in first-seen order (which must not matter). */
    private static ChangeTracker fromFinalObjects(List<Event> events) {
        Map<NamespacedName, ServiceObject> svcs = finalServices(events);
        Map<NamespacedName, EndpointSliceObject> slices = finalSlices(events);
        ChangeTracker t = new ChangeTracker(NODE);
        List<EndpointSliceObject> reversed = new ArrayList<>(slices.values());
        java.util.Collections.reverse(reversed);
        reversed.forEach(t::onEndpointSliceUpsert);
        svcs.values().forEach(t::onServiceUpsert);
        return t;
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
    void snapshotDependsOnlyOnFinalObjects(@ForAll("events") List<Event> events) {
        ChangeTracker t = new ChangeTracker(NODE);
        events.forEach(e -> apply(t, e));
        assertThat(t.drain().snapshot()).isEqualTo(fromFinalObjects(events).drain().snapshot());
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
    void changedSetIsExactlyTheServicesThatDiffer(@ForAll("events") List<Event> before,
                                                 @ForAll("events") List<Event> after) {
        ChangeTracker t = new ChangeTracker(NODE);
        before.forEach(e -> apply(t, e));
        ProxySnapshot s1 = t.drain().snapshot();
        after.forEach(e -> apply(t, e));
        TrackedChanges c = t.drain();
        assertThat(c.changedServices()).isEqualTo(differingServices(s1, c.snapshot()));
        assertThat(t.drain().changedServices()).isEmpty();
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void flapsBackToTheDrainedStateAreNoChange(@ForAll("events") List<Event> before,
                                               @ForAll("events") List<Event> excursion) {
        ChangeTracker t = new ChangeTracker(NODE);
        before.forEach(e -> apply(t, e));
        ProxySnapshot s1 = t.drain().snapshot();
        excursion.forEach(e -> apply(t, e));
        // Return to the drained objects: restore every object touched by the excursion.
        Map<NamespacedName, ServiceObject> svcs = finalServices(before);
        Map<NamespacedName, EndpointSliceObject> slices = finalSlices(before);
        for (Event e : excursion) {
            if (e instanceof SvcUpsert u) {
                restoreService(t, svcs, u.svc().name());
            } else if (e instanceof SvcDelete d) {
                restoreService(t, svcs, d.name());
            } else if (e instanceof SliceUpsert u) {
                restoreSlice(t, slices, u.slice().slice());
            } else if (e instanceof SliceDelete d) {
                restoreSlice(t, slices, d.name());
            }
        }
        TrackedChanges c = t.drain();
        assertThat(c.changedServices()).isEmpty();
        assertThat(c.triggerTimes()).isEmpty();
        assertThat(c.snapshot()).isEqualTo(s1);
    }

    private static void restoreService(ChangeTracker t, Map<NamespacedName, ServiceObject> svcs, NamespacedName n) {
        if (svcs.containsKey(n)) {
            t.onServiceUpsert(svcs.get(n));
        } else {
            t.onServiceDelete(n);
        }
    }

    private static void restoreSlice(ChangeTracker t, Map<NamespacedName, EndpointSliceObject> slices,
                                     NamespacedName n) {
        if (slices.containsKey(n)) {
            t.onEndpointSliceUpsert(slices.get(n));
        } else {
            t.onEndpointSliceDelete(n);
        }
    }

    private static Map<NamespacedName, ServiceObject> finalServices(List<Event> events) {
        Map<NamespacedName, ServiceObject> m = new LinkedHashMap<>();
        for (Event e : events) {
            if (e instanceof SvcUpsert u) {
                m.put(u.svc().name(), u.svc());
            } else if (e instanceof SvcDelete d) {
                m.remove(d.name());
            }
        }
        return m;
    }

    private static Map<NamespacedName, EndpointSliceObject> finalSlices(List<Event> events) {
        Map<NamespacedName, EndpointSliceObject> m = new LinkedHashMap<>();
        for (Event e : events) {
            if (e instanceof SliceUpsert u) {
                m.put(u.slice().slice(), u.slice());
            } else if (e instanceof SliceDelete d) {
                m.remove(d.name());
            }
        }
        return m;
    }

    private static Set<NamespacedName> differingServices(ProxySnapshot a, ProxySnapshot b) {
        Set<NamespacedName> out = new HashSet<>();
        Set<ServicePortName> keys = new HashSet<>(a.services().keySet());
        keys.addAll(b.services().keySet());
        for (ServicePortName k : keys) {
            if (!Objects.equals(a.services().get(k), b.services().get(k))) {
                out.add(k.service());
            }
        }
        Set<ServicePortName> epKeys = new HashSet<>(a.endpoints().keySet());
        epKeys.addAll(b.endpoints().keySet());
        for (ServicePortName k : epKeys) {
            if (!a.endpointsOf(k).equals(b.endpointsOf(k))) {
                out.add(k.service());
            }
        }
        return out;
    }
}
