package io.sluice.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DumpCommandTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "cluster.yaml");
    private static final Path CONFIG = Path.of("..", "examples", "kube-proxy-config.yaml");

    @Test
    void theExampleDumpIsAWholeRestorePayload() {
        CliRunner r = CliRunner.run("dump", "--objects", EXAMPLE.toString(), "--config", CONFIG.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("*filter\n").contains("\nCOMMIT\n*nat\n").endsWith("COMMIT\n");
        assertThat(r.out())
                .contains("-A KUBE-SERVICES -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp -p udp -d 10.96.0.10 --dport 53")
                .contains("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully")
                .contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000")
                .contains("\"web/maintenance:http has no endpoints\"")
                .doesNotContain("postgres-headless", "external-db", "handled-elsewhere", "198.51.100.21");
    }

    @Test
    void theSameInputGivesAByteIdenticalDumpWhateverTheDocumentOrder(@TempDir Path dir) throws Exception {
        String first = CliRunner.run("dump", "--objects", EXAMPLE.toString(), "--config", CONFIG.toString()).out();
        List<String> docs = new ArrayList<>(List.of(Files.readString(EXAMPLE).split("\n---\n")));
        Collections.shuffle(docs, new Random(7));
        Path shuffled = Files.writeString(dir.resolve("shuffled.yaml"), String.join("\n---\n", docs) + "\n");

        String second = CliRunner.run("dump", "--objects", EXAMPLE.toString(), "--config", CONFIG.toString()).out();
        String third = CliRunner.run("dump", "--objects", shuffled.toString(), "--config", CONFIG.toString()).out();

        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
    }

    @Test
    void kernelAssumptionsCanBeStated() {
        CliRunner r = CliRunner.run("dump", "--objects", EXAMPLE.toString(), "--config", CONFIG.toString(),
                "--assume-nfacct=false", "--assume-random-fully=false");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("--random-fully").doesNotContain("-m nfacct");
    }

    @Test
    void theIpvsBackendDumpsOperations() {
        CliRunner r = CliRunner.run("dump", "--backend", "ipvs", "--objects", EXAMPLE.toString(), "--config", CONFIG.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("10.96.0.10").contains("KUBE-CLUSTER-IP");
        assertThat(CliRunner.run("dump", "--backend", "ipvs", "--objects", EXAMPLE.toString(), "--config",
                CONFIG.toString()).out()).isEqualTo(r.out());
    }

    @Test
    void anInvalidConfigurationExitsWith2AndNamesTheField(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                kind: KubeProxyConfiguration
                iptables:
                  masqueradeBit: 40
                """);

        CliRunner r = CliRunner.run("dump", "--objects", EXAMPLE.toString(), "--config", bad.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("iptables.masqueradeBit");
    }

    @Test
    void anUnreadableObjectsFileIsAClearError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        CliRunner r = CliRunner.run("dump", "--objects", missing.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("nope.yaml").doesNotContain("\tat ");
    }

    @Test
    void anUnparsableObjectsFileIsAClearError(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.yaml"), "kind: [unclosed\n  - :\n");

        CliRunner r = CliRunner.run("dump", "--objects", garbage.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("garbage.yaml").doesNotContain("\tat ");
    }

    @Test
    void anUnknownBackendIsAUsageError() {
        CliRunner r = CliRunner.run("dump", "--backend", "kernelspace", "--objects", EXAMPLE.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("kernelspace");
    }

    /**
     * upstream's TestOverallNFTablesRules through the CLI, as the vectors' README prescribes: the vector's objects plus
     * the Node and a ServiceCIDR, {@code mode: nftables}; the {@code add} lines of the IPv4 transaction, sorted as
     * upstream sorts, equal the expected state (mark spelled {@code 0x00004000} by real kube-proxy, {@code 0x4000} by
     * the test). Twice: byte-identical.
     */
    @Test
    void theNftablesDumpMatchesUpstreamsOverallVector(@TempDir Path dir) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode vector;
        try (var in = getClass().getResourceAsStream("/conformance/nftables/overall-nftables-rules.input.json")) {
            vector = json.readTree(in);
        }
        var items = json.createArrayNode();
        vector.at("/steps/0/objects").forEach(items::add);
        items.add(json.readTree("""
                {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "test-node"},
                 "status": {"addresses": [{"type": "InternalIP", "address": "192.168.0.2"}]}}"""));
        items.add(json.readTree("""
                {"apiVersion": "networking.k8s.io/v1", "kind": "ServiceCIDR", "metadata": {"name": "kubernetes"},
                 "spec": {"cidrs": ["172.30.0.0/16"]}}"""));
        Path objects = dir.resolve("objects.json");
        Files.writeString(objects, json.writeValueAsString(json.createObjectNode().put("apiVersion", "v1")
                .put("kind", "List").set("items", items)));
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                kind: KubeProxyConfiguration
                mode: nftables
                hostnameOverride: test-node
                clusterCIDR: 10.0.0.0/8
                detectLocalMode: ClusterCIDR
                nftables:
                  masqueradeBit: 14
                  masqueradeAll: false
                """);

        CliRunner r = CliRunner.run("dump", "--backend", "nftables", "--objects", objects.toString(),
                "--config", config.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> adds = r.out().lines().filter(l -> l.startsWith("add ")).map(l -> l.replace("0x00004000", "0x4000"))
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        String expected;
        try (var in = getClass().getResourceAsStream("/conformance/nftables/overall-nftables-rules.expected.sorted.txt")) {
            expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(String.join("\n", sortLikeUpstream(adds)) + "\n").isEqualTo(expected);
        assertThat(CliRunner.run("dump", "--backend", "nftables", "--objects", objects.toString(),
                "--config", config.toString()).out()).isEqualTo(r.out());
    }

    /** pkg/proxy/nftables/helpers_test.go sortNFTablesTransaction (stable sort by object type, then name). */
    private static List<String> sortLikeUpstream(List<String> lines) {
        List<String> order = List.of("table", "chain", "rule", "set", "map", "element");
        lines.sort((a, b) -> {
            String[] wa = a.split(" ");
            String[] wb = b.split(" ");
            int ta = order.indexOf(wa[1]) < 0 ? order.size() : order.indexOf(wa[1]);
            int tb = order.indexOf(wb[1]) < 0 ? order.size() : order.indexOf(wb[1]);
            if (ta != tb) {
                return Integer.compare(ta, tb);
            }
            int n = wa[4].compareTo(wb[4]);
            if (n != 0) {
                return n;
            }
            return wa[1].equals("rule") ? 0 : a.compareTo(b);
        });
        return lines;
    }

    @Test
    void hostileObjectsAreSkippedAndEverythingElseIsStillRendered(@TempDir Path dir) throws Exception {
        Path hostile = Files.writeString(dir.resolve("hostile.yaml"), """
                apiVersion: v1
                kind: Service
                metadata: {namespace: evil, name: "x\\" -j ACCEPT\\n-A INPUT"}
                spec: {clusterIP: 10.96.5.5, ports: [{name: p, port: 80, protocol: TCP}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {namespace: evil, name: badip}
                spec: {clusterIP: "10.96.5.300", ports: [{name: p, port: 80, protocol: TCP}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {namespace: evil, name: badport}
                spec: {clusterIP: 10.96.5.7, ports: [{name: p, port: 70000, protocol: TCP}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {namespace: good, name: fine}
                spec: {clusterIP: 10.96.5.8, ports: [{name: p, port: 80, protocol: TCP}]}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {namespace: good, name: fine-1, labels: {kubernetes.io/service-name: fine}}
                addressType: IPv4
                ports: [{name: p, port: 8080, protocol: TCP}]
                endpoints:
                - addresses: ["10.0.0.1; rm -rf /"]
                - addresses: ["10.0.0.2"]
                """);

        CliRunner r = CliRunner.run("dump", "--objects", hostile.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("good/fine:p cluster IP").contains("--to-destination 10.0.0.2:8080")
                .doesNotContain("evil/", "rm -rf", "10.96.5.5", "10.96.5.7");
    }
}
