package io.sluice.core.synthetic;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticClusterTest {

    @Test
    void sameSeedSameClusterAndYaml() throws Exception {
        SyntheticCluster a = SyntheticCluster.generate(300, 3, 7);
        SyntheticCluster b = SyntheticCluster.generate(300, 3, 7);
        assertThat(a.snapshot()).isEqualTo(b.snapshot());
        StringWriter wa = new StringWriter();
        StringWriter wb = new StringWriter();
        a.writeYaml(wa);
        b.writeYaml(wb);
        assertThat(wa.toString()).isEqualTo(wb.toString()).contains("kind: EndpointSlice", "kind: Node");
    }

    @Test
    void yamlReadBackThroughTheFileSourceGivesTheSameSnapshot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        SyntheticCluster c = SyntheticCluster.generate(120, 3, 11);
        java.nio.file.Path file = dir.resolve("cluster.yaml");
        try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(file)) {
            c.writeYaml(w);
        }
        io.sluice.core.tracker.ChangeTracker tracker = new io.sluice.core.tracker.ChangeTracker(SyntheticCluster.NODE_NAME);
        new io.sluice.core.source.FileSource("", io.sluice.core.source.InvalidObjectListener.NOOP).load(List.of(file), tracker);
        assertThat(tracker.currentSnapshot()).isEqualTo(c.snapshot());
    }

    @Test
    void sizesAndTypeMix() {
        ProxySnapshot s = SyntheticCluster.generate(1000, 10, 1).snapshot();
        assertThat(s.services()).hasSize(1000);
        assertThat(s.endpointCount()).isEqualTo(10_000);
        Map<ServiceType, Long> mix = s.services().values().stream()
                .collect(Collectors.groupingBy(p -> p.type(), Collectors.counting()));
        assertThat(mix.keySet()).containsExactlyInAnyOrder(ServiceType.ClusterIP, ServiceType.NodePort,
                ServiceType.LoadBalancer);
        assertThat(s.services().values().stream().filter(p -> p.nodePort() != 0).map(p -> p.nodePort()).distinct()
                .count()).isEqualTo(s.services().values().stream().filter(p -> p.nodePort() != 0).count());
    }

    @Test
    void changingOneEndpointChangesOnlyThatService() {
        SyntheticCluster c = SyntheticCluster.generate(50, 4, 3);
        SyntheticCluster d = c.withEndpointChanged(10, 2);
        List<ServicePortName> differing = c.snapshot().endpoints().keySet().stream()
                .filter(k -> !Objects.equals(c.snapshot().endpointsOf(k), d.snapshot().endpointsOf(k))).toList();
        assertThat(differing).hasSize(1).allMatch(k -> k.service().equals(c.service(10)));
        List<Endpoint> eps = d.snapshot().endpointsOf(differing.get(0));
        assertThat(eps).hasSize(4).isSortedAccordingTo(java.util.Comparator.comparing(Endpoint::ipPort));
    }
}
