package io.sluice.core.topology;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Cases modelled on upstream {@code pkg/proxy/topology_test.go} TestCategorizeEndpoints. */
class EndpointCategorizerTest {
    private static final String NODE = "node-a";
    private static final String ZONE = "zone-a";

    private static ServicePort svc(TrafficPolicy itp, TrafficPolicy etp, boolean external) {
        return new ServicePort(ServicePortName.of("ns", "svc", "p", Protocol.TCP),
                external ? ServiceType.NodePort : ServiceType.ClusterIP, List.of("10.96.0.1"), 80,
                external ? 30080 : 0, List.of(), List.of(), List.of(), etp, itp, SessionAffinity.NONE, 0, "");
    }

    private static ServicePort cluster() {
        return svc(TrafficPolicy.Cluster, TrafficPolicy.Cluster, false);
    }

    private static Endpoint ep(String ip, boolean ready, boolean serving, boolean terminating, String node,
                               Set<String> zoneHints, Set<String> nodeHints) {
        return new Endpoint(ip, 80, ready, serving, terminating, node, "", zoneHints, nodeHints);
    }

    private static Endpoint ready(String ip, String node) {
        return ep(ip, true, true, false, node, Set.of(), Set.of());
    }

    private static List<String> ips(List<Endpoint> eps) {
        return eps.stream().map(Endpoint::ip).toList();
    }

    @Test
    void clusterPolicyUsesReadyEndpointsSortedByIpPortString() {
        CategorizedEndpoints c = EndpointCategorizer.categorize(List.of(ready("10.0.0.9", "n"),
                ready("10.0.0.10", NODE), ep("10.0.0.3", false, false, false, "n", Set.of(), Set.of())), cluster(),
                NODE, ZONE);
        assertThat(ips(c.cluster())).containsExactly("10.0.0.10", "10.0.0.9");
        assertThat(c.local()).isEmpty();
        assertThat(ips(c.allReachable())).containsExactly("10.0.0.10", "10.0.0.9");
        assertThat(c.hasAnyEndpoints()).isTrue();
    }

    @Test
    void noUsableEndpointsMeansNoEndpoints() {
        CategorizedEndpoints c = EndpointCategorizer.categorize(
                List.of(ep("10.0.0.1", false, false, true, "n", Set.of(), Set.of())), cluster(), NODE, ZONE);
        assertThat(c.cluster()).isEmpty();
        assertThat(c.allReachable()).isEmpty();
        assertThat(c.hasAnyEndpoints()).isFalse();
    }

    @Test
    void terminatingFallbackWhenNoEndpointIsReady() {
        CategorizedEndpoints c = EndpointCategorizer.categorize(List.of(
                ep("10.0.0.1", false, true, true, "n", Set.of("zone-b"), Set.of()),
                ep("10.0.0.2", false, false, true, "n", Set.of(), Set.of())), cluster(), NODE, ZONE);
        assertThat(ips(c.cluster())).containsExactly("10.0.0.1");
        assertThat(c.hasAnyEndpoints()).isTrue();
    }

    @Test
    void zoneHintsFilterClusterEndpointsWhenEveryReadyEndpointHasThem() {
        List<Endpoint> eps = List.of(
                ep("10.0.0.1", true, true, false, "n1", Set.of(ZONE), Set.of()),
                ep("10.0.0.2", true, true, false, "n2", Set.of("zone-b"), Set.of()),
                ep("10.0.0.3", false, true, true, "n3", Set.of(), Set.of())); // not ready: ignored for hints
        assertThat(ips(EndpointCategorizer.categorize(eps, cluster(), NODE, ZONE).cluster()))
                .containsExactly("10.0.0.1");
        // A zone no endpoint is hinted for: hints ignored.
        assertThat(ips(EndpointCategorizer.categorize(eps, cluster(), NODE, "zone-c").cluster()))
                .containsExactly("10.0.0.1", "10.0.0.2");
        // Node without a zone label: hints ignored.
        assertThat(ips(EndpointCategorizer.categorize(eps, cluster(), NODE, "").cluster()))
                .containsExactly("10.0.0.1", "10.0.0.2");
    }

    @Test
    void zoneHintsIgnoredWhenOneReadyEndpointLacksThem() {
        List<Endpoint> eps = List.of(ep("10.0.0.1", true, true, false, "n1", Set.of(ZONE), Set.of()),
                ready("10.0.0.2", "n2"));
        assertThat(ips(EndpointCategorizer.categorize(eps, cluster(), NODE, ZONE).cluster()))
                .containsExactly("10.0.0.1", "10.0.0.2");
    }

    @Test
    void nodeHintsWinOverZoneHints() {
        List<Endpoint> eps = List.of(
                ep("10.0.0.1", true, true, false, NODE, Set.of(ZONE), Set.of(NODE)),
                ep("10.0.0.2", true, true, false, "n2", Set.of(ZONE), Set.of("n2")));
        assertThat(EndpointCategorizer.topologyModeFromHints(eps, NODE, ZONE))
                .isEqualTo(EndpointCategorizer.PREFER_SAME_NODE);
        assertThat(ips(EndpointCategorizer.categorize(eps, cluster(), NODE, ZONE).cluster()))
                .containsExactly("10.0.0.1");
        // Another node with no node hint for it falls back to zone hints.
        assertThat(EndpointCategorizer.topologyModeFromHints(eps, "n9", ZONE))
                .isEqualTo(EndpointCategorizer.PREFER_SAME_ZONE);
    }

    @Test
    void internalLocalUsesOnlyLocalEndpoints() {
        ServicePort itpLocal = svc(TrafficPolicy.Local, TrafficPolicy.Cluster, false);
        CategorizedEndpoints c = EndpointCategorizer.categorize(
                List.of(ready("10.0.0.1", NODE), ready("10.0.0.2", "n2")), itpLocal, NODE, ZONE);
        assertThat(c.cluster()).isEmpty();
        assertThat(ips(c.local())).containsExactly("10.0.0.1");
        assertThat(ips(c.allReachable())).containsExactly("10.0.0.1");
        assertThat(c.hasAnyEndpoints()).isTrue();

        CategorizedEndpoints none = EndpointCategorizer.categorize(List.of(ready("10.0.0.2", "n2")), itpLocal, NODE,
                ZONE);
        assertThat(none.local()).isEmpty();
        assertThat(none.allReachable()).isEmpty();
        assertThat(none.hasAnyEndpoints()).isTrue(); // DROP ("no local endpoints"), not REJECT
    }

    @Test
    void externalLocalWithReadyLocalEndpointReachesClusterEndpoints() {
        ServicePort etpLocal = svc(TrafficPolicy.Cluster, TrafficPolicy.Local, true);
        CategorizedEndpoints c = EndpointCategorizer.categorize(
                List.of(ready("10.0.0.1", NODE), ready("10.0.0.2", "n2")), etpLocal, NODE, ZONE);
        assertThat(ips(c.cluster())).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(ips(c.local())).containsExactly("10.0.0.1");
        assertThat(ips(c.allReachable())).containsExactly("10.0.0.1", "10.0.0.2");
    }

    @Test
    void localTerminatingFallbackIsUnionedWithCluster() {
        ServicePort etpLocal = svc(TrafficPolicy.Cluster, TrafficPolicy.Local, true);
        CategorizedEndpoints c = EndpointCategorizer.categorize(List.of(
                ready("10.0.0.9", "n2"), ep("10.0.0.1", false, true, true, NODE, Set.of(), Set.of())),
                etpLocal, NODE, ZONE);
        assertThat(ips(c.cluster())).containsExactly("10.0.0.9");
        assertThat(ips(c.local())).containsExactly("10.0.0.1");
        assertThat(ips(c.allReachable())).containsExactly("10.0.0.1", "10.0.0.9");
    }

    @Test
    void topologyFilteredClusterIsUnionedWithLocalEndpoints() {
        ServicePort etpLocal = svc(TrafficPolicy.Cluster, TrafficPolicy.Local, true);
        CategorizedEndpoints c = EndpointCategorizer.categorize(List.of(
                ep("10.0.0.1", true, true, false, NODE, Set.of("zone-b"), Set.of()),
                ep("10.0.0.2", true, true, false, "n2", Set.of(ZONE), Set.of())), etpLocal, NODE, ZONE);
        assertThat(ips(c.cluster())).containsExactly("10.0.0.2");
        assertThat(ips(c.local())).containsExactly("10.0.0.1");
        assertThat(ips(c.allReachable())).containsExactly("10.0.0.1", "10.0.0.2");
    }
}
