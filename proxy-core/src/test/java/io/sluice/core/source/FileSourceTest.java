package io.sluice.core.source;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.tracker.ChangeTracker;
import io.sluice.core.tracker.TrackedChanges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FileSourceTest {
    /** Generous: the shared build machine is heavily loaded; this is a timeout, not a timing assertion. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    static final ServicePortName SVC1 = ServicePortName.of("ns1", "svc1", "p80", Protocol.TCP);
    static final ServicePortName SVC2 = ServicePortName.of("ns1", "svc2", "", Protocol.UDP);

    static final String SVC1_YAML = """
            apiVersion: v1
            kind: Service
            metadata: {namespace: ns1, name: svc1}
            spec:
              type: ClusterIP
              clusterIP: 172.30.0.41
              ports: [{name: p80, port: 80, protocol: TCP, targetPort: 8080}]
            """;
    static final String SLICE1_YAML = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              namespace: ns1
              name: svc1-abc
              labels: {kubernetes.io/service-name: svc1}
            addressType: IPv4
            ports: [{name: p80, port: 8080, protocol: TCP}]
            endpoints:
            - addresses: [10.180.0.1]
              nodeName: node-1
            - addresses: [10.180.0.2]
            """;
    static final String NODE_YAML = """
            apiVersion: v1
            kind: Node
            metadata: {name: node-1, labels: {topology.kubernetes.io/zone: z1}}
            status:
              addresses: [{type: InternalIP, address: 192.168.0.1}]
            """;

    @TempDir
    Path dir;

    private final ChangeTracker tracker = new ChangeTracker("node-1");
    private final RecordingListener listener = new RecordingListener();
    private final FileSource files = new FileSource("", listener);
    private ScheduledExecutorService scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void multiDocumentYamlWithOtherKindsIgnored() throws Exception {
        Path f = write("cluster.yaml", "---\n" + SVC1_YAML + "---\n" + SLICE1_YAML + "---\n" + NODE_YAML
                + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n---\n");

        files.load(List.of(f), tracker);

        assertThat(tracker.isInitialized()).isTrue();
        TrackedChanges c = tracker.drain();
        assertThat(c.snapshot().services()).containsOnlyKeys(SVC1);
        assertThat(c.snapshot().endpointsOf(SVC1)).extracting(Endpoint::ipPort)
                .containsExactly("10.180.0.1:8080", "10.180.0.2:8080");
        assertThat(c.snapshot().node().zone()).isEqualTo("z1");
        assertThat(c.snapshot().node().addresses()).containsExactly("192.168.0.1");
    }

    @Test
    void listKindAndJson() throws Exception {
        Path list = write("list.yaml", """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Service
                  metadata: {namespace: ns1, name: svc2}
                  spec:
                    clusterIP: 172.30.0.42
                    ports: [{port: 53, protocol: UDP}]
                """);
        Path json = write("svc1.json", """
                {"apiVersion": "v1", "kind": "ServiceList", "items": [
                  {"apiVersion": "v1", "kind": "Service",
                   "metadata": {"namespace": "ns1", "name": "svc1"},
                   "spec": {"clusterIP": "172.30.0.41",
                            "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]}}]}
                """);
        Path single = write("slice.json", """
                {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                 "metadata": {"namespace": "ns1", "name": "svc2-x",
                              "labels": {"kubernetes.io/service-name": "svc2"}},
                 "addressType": "IPv4", "ports": [{"port": 5353, "protocol": "UDP"}],
                 "endpoints": [{"addresses": ["10.0.0.7"]}]}
                """);

        files.load(List.of(list, json, single), tracker);

        TrackedChanges c = tracker.drain();
        assertThat(c.snapshot().services()).containsOnlyKeys(SVC1, SVC2);
        assertThat(c.snapshot().endpointsOf(SVC2)).containsExactly(Endpoint.ready("10.0.0.7", 5353));
    }

    @Test
    void filesGoThroughValidation() throws Exception {
        Path f = write("bad.yaml", SVC1_YAML.replace("172.30.0.41", "172.30.0.410"));
        files.load(List.of(f), tracker);
        assertThat(tracker.currentSnapshot().services()).isEmpty();
        assertThat(listener.reasons()).containsExactly("invalid-cluster-ip");
    }

    @Test
    void missingFileNamesTheFile() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> files.load(List.of(missing), tracker))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
        assertThat(tracker.isInitialized()).isFalse();
    }

    @Test
    void unparsableFileNamesTheFileAndTheLine() throws Exception {
        Path f = write("broken.yaml", SVC1_YAML + "  ports: [unclosed\n");
        assertThatThrownBy(() -> files.load(List.of(f), tracker))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("line");
        Path g = write("broken.json", "{\"kind\": ");
        assertThatThrownBy(() -> files.load(List.of(g), tracker))
                .isInstanceOf(SourceException.class).hasMessageContaining(g.toString());
    }

    @Test
    void wrongFieldTypeNamesTheFileAndObject() throws Exception {
        Path f = write("types.yaml", SVC1_YAML.replace("port: 80", "port: {a: b}"));
        assertThatThrownBy(() -> files.load(List.of(f), tracker))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("Service svc1");
    }

    @Test
    void watchPicksUpAnEditAndADeletion() throws Exception {
        Path f = write("cluster.yaml", SVC1_YAML + "---\n" + SLICE1_YAML);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        try (FileSource.Watch watch = files.watch(List.of(f), tracker, scheduler, Duration.ofHours(1))) {
            assertThat(tracker.isInitialized()).isTrue();
            tracker.drain();

            // When the slice gets a new address
            write("cluster.yaml", SVC1_YAML + "---\n" + SLICE1_YAML.replace("10.180.0.2", "10.180.0.3"));
            assertThat(watch.poll()).isTrue();
            // Then only that change is delivered
            TrackedChanges c = tracker.drain();
            assertThat(c.changedServices()).containsExactly(new NamespacedName("ns1", "svc1"));
            assertThat(c.snapshot().endpointsOf(SVC1)).extracting(Endpoint::ipPort)
                    .containsExactly("10.180.0.1:8080", "10.180.0.3:8080");
            assertThat(watch.poll()).as("unchanged file").isFalse();

            // When the Service vanishes from the file
            write("cluster.yaml", SLICE1_YAML.replace("10.180.0.2", "10.180.0.3"));
            watch.poll();
            assertThat(tracker.drain().snapshot().services()).isEmpty();

            // When the whole file is deleted
            Files.delete(f);
            watch.poll();
            assertThat(tracker.drain().snapshot().endpoints()).isEmpty();
        }
    }

    @Test
    void watchKeepsTheLastGoodStateOnAParseError() throws Exception {
        Path f = write("cluster.yaml", SVC1_YAML);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        try (FileSource.Watch watch = files.watch(List.of(f), tracker, scheduler, Duration.ofHours(1))) {
            write("cluster.yaml", "kind: [");
            assertThatThrownBy(watch::poll).isInstanceOf(SourceException.class)
                    .hasMessageContaining(f.toString());
            assertThat(tracker.currentSnapshot().services()).containsOnlyKeys(SVC1);
        }
    }

    @Test
    void scheduledPollingDeliversChanges() throws Exception {
        Path f = write("cluster.yaml", SVC1_YAML);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        FileSource.Watch watch = files.watch(List.of(f), tracker, scheduler, Duration.ofMillis(20));
        write("cluster.yaml", SVC1_YAML.replace("port: 80", "port: 81"));
        await().atMost(PATIENCE).until(() -> tracker.currentSnapshot().services().get(SVC1).port() == 81);
        watch.close();
        watch.close(); // idempotent
        assertThat(watch.poll()).as("closed").isFalse();
    }
}
