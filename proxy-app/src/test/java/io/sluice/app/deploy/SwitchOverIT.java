package io.sluice.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The migration promise of docs/migration.md, on a real kernel: a node whose rules were written by kube-proxy
 * (the upstream {@code TestOverallIPTablesRules} payload plus kube-proxy's jump rules) switches to Sluice under a
 * live connection loop without a single failed connection, because Sluice writes the same chains and adopts them in
 * one {@code iptables-restore}.
 *
 * <p>Topology, all in network namespaces named {@code sldp-*} (never the host's): a "node" namespace holding the
 * rules and the client loop, and a "pod" namespace with the endpoint 10.180.0.1:80 of ns1/svc1 (ClusterIP
 * 172.30.0.41:80), joined by a veth pair.
 */
class SwitchOverIT {

    private static final String CLUSTER_IP = "172.30.0.41";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A new connection every ~5 ms (unthrottled, the loop exhausts source ports and conntrack tuples within seconds
     * and fails for reasons unrelated to the rules). It rewrites "ok fail" into a progress file after each attempt.
     */
    private static final String CLIENT = String.join("\n",
            "import os, socket, sys, time",
            "ip, stop, progress = sys.argv[1], sys.argv[2], sys.argv[3]",
            "ok = fail = 0",
            "while not os.path.exists(stop):",
            "    try:",
            "        s = socket.create_connection((ip, 80), timeout=2)",
            "        data = s.recv(16)",
            "        s.close()",
            "        if data.startswith(b'ok'):",
            "            ok += 1",
            "        else:",
            "            fail += 1",
            "    except OSError:",
            "        fail += 1",
            "    with open(progress + '.tmp', 'w') as f:",
            "        f.write('%d %d\\n' % (ok, fail))",
            "    os.replace(progress + '.tmp', progress)",
            "    time.sleep(0.005)");

    private static final String SERVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket()",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('0.0.0.0', 80))",
            "s.listen(128)",
            "open(sys.argv[1], 'w').close()",
            "while True:",
            "    c, _ = s.accept()",
            "    c.sendall(b'ok\\n')",
            "    c.close()");

    /** kube-proxy's jump rules from the built-in chains: table, chain, target, ctstate NEW?, comment. */
    private static final String[][] JUMPS = {
        {"filter", "INPUT", "KUBE-EXTERNAL-SERVICES", "new", "kubernetes externally-visible service portals"},
        {"filter", "FORWARD", "KUBE-EXTERNAL-SERVICES", "new", "kubernetes externally-visible service portals"},
        {"filter", "INPUT", "KUBE-NODEPORTS", "", "kubernetes health check service ports"},
        {"filter", "FORWARD", "KUBE-SERVICES", "new", "kubernetes service portals"},
        {"filter", "OUTPUT", "KUBE-SERVICES", "new", "kubernetes service portals"},
        {"filter", "FORWARD", "KUBE-FORWARD", "", "kubernetes forwarding rules"},
        {"filter", "INPUT", "KUBE-PROXY-FIREWALL", "new", "kubernetes load balancer firewall"},
        {"filter", "OUTPUT", "KUBE-PROXY-FIREWALL", "new", "kubernetes load balancer firewall"},
        {"filter", "FORWARD", "KUBE-PROXY-FIREWALL", "new", "kubernetes load balancer firewall"},
        {"nat", "OUTPUT", "KUBE-SERVICES", "", "kubernetes service portals"},
        {"nat", "PREROUTING", "KUBE-SERVICES", "", "kubernetes service portals"},
        {"nat", "POSTROUTING", "KUBE-POSTROUTING", "", "kubernetes postrouting rules"},
        {"filter", "INPUT", "KUBE-FIREWALL", "", ""},
        {"filter", "OUTPUT", "KUBE-FIREWALL", "", ""},
    };

    private final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    private final String nodeNs = "sldp-node-" + suffix;
    private final String podNs = "sldp-pod-" + suffix;
    private final List<Process> processes = new ArrayList<>();
    private Path work;

    @BeforeEach
    void requirements() throws IOException {
        Environment.requireRoot();
        for (String tool : List.of("ip", "iptables", "iptables-restore", "iptables-save", "python3")) {
            Environment.requireTool(tool);
        }
        Path jar = Environment.repoRoot().resolve("proxy-app/target/sluice.jar");
        assertThat(jar).as("the shaded jar (mvn package runs before failsafe)").isRegularFile();
        work = Files.createTempDirectory("sldp-switch-over");
    }

    @AfterEach
    void teardown() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (String ns : List.of(nodeNs, podNs)) {
            ProcessResult.run(null, 30, "ip", "netns", "delete", ns);
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not remove " + work + ": " + e);
            }
        }
    }

    @Test
    void kube_proxy_rules_are_adopted_and_handed_back_without_a_failed_connection() throws Exception {
        buildTopology();
        loadKubeProxyState();
        Path listening = work.resolve("listening");
        start("ip", "netns", "exec", podNs, "python3", "-c", SERVER, listening.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(listening));
        Path stop = work.resolve("stop");
        Path progress = work.resolve("progress");
        start("ip", "netns", "exec", nodeNs, "python3", "-c", CLIENT, CLUSTER_IP, stop.toString(), progress.toString());
        awaitSuccesses(progress, 30);

        ProcessResult sluice = ProcessResult.run(null, 300, List.of("ip", "netns", "exec", nodeNs,
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Environment.repoRoot().resolve("proxy-app/target/sluice.jar").toString(),
                "run", "--once", "--backend", "iptables", "--config", sluiceConfig().toString(),
                "--objects", sluiceObjects().toString(), "--hostname-override", "test-node"));
        assertThat(sluice.exitCode()).as("sluice run --once\n%s", sluice).isZero();
        long okAtSwitch = counts(progress)[0];
        awaitSuccesses(progress, okAtSwitch + 30);
        String natAfterSluice = iptablesSave("nat");
        String filterAfterSluice = iptablesSave("filter");

        // Rollback (docs/migration.md, "Rolling back"): kube-proxy's next full sync rewrites the same chains, again in place.
        restoreKubeProxyPayload();
        long okAtRollback = counts(progress)[0];
        awaitSuccesses(progress, okAtRollback + 30);
        Files.writeString(stop, "");

        long[] counts = counts(progress);
        assertThat(counts[1]).as("failed connections during the switch-over (ok=%d)", counts[0]).isZero();

        String nat = natAfterSluice;
        String filter = filterAfterSluice;
        // Same hashed chain for ns1/svc1 as kube-proxy's: adopted, not duplicated.
        assertThat(nat).contains(":KUBE-SVC-XPGD46QRK7WJZT7O", ":KUBE-SEP-SXIVWICOYRO3J4NJ");
        // Sluice's own view of the cluster is in place: a Service only Sluice knows about, and the rule for a
        // Service Sluice was told is gone (ns6/svc6) removed from kube-proxy's filter rules.
        assertThat(nat).contains("ns7/svc7:p80 cluster IP").containsPattern("-d 172\\.30\\.0\\.47(/32)? ");
        assertThat(filter).doesNotContain("ns6/svc6");
        // Jump rules were ensured, not added a second time next to kube-proxy's.
        assertThat(nat.lines().filter(l -> l.startsWith("-A OUTPUT") && l.endsWith("-j KUBE-SERVICES")))
                .hasSize(1);
    }

    private void buildTopology() {
        String hostSide = "sldp" + suffix + "h";
        String podSide = "sldp" + suffix + "p";
        run("ip", "netns", "add", nodeNs);
        run("ip", "netns", "add", podNs);
        run("ip", "-n", nodeNs, "link", "set", "lo", "up");
        run("ip", "-n", podNs, "link", "set", "lo", "up");
        run("ip", "-n", nodeNs, "link", "add", hostSide, "type", "veth", "peer", "name", podSide, "netns", podNs);
        run("ip", "-n", nodeNs, "addr", "add", "10.180.0.254/24", "dev", hostSide);
        run("ip", "-n", nodeNs, "link", "set", hostSide, "up");
        // Service VIPs have no interface; a route lets OUTPUT see the packet before DNAT rewrites it.
        run("ip", "-n", nodeNs, "route", "add", "172.30.0.0/16", "dev", hostSide);
        run("ip", "-n", podNs, "addr", "add", "10.180.0.1/24", "dev", podSide);
        run("ip", "-n", podNs, "link", "set", podSide, "up");
        run("ip", "-n", podNs, "route", "add", "default", "via", "10.180.0.254");
    }

    /**
     * kube-proxy's state: its restore payload (the nfacct matches dropped when the kernel lacks xt_nfacct, as
     * kube-proxy itself does) and its jump rules from the built-in chains (pkg/proxy/iptables/proxier.go CleanupLeftovers).
     */
    private void loadKubeProxyState() throws IOException {
        restoreKubeProxyPayload();
        for (String[] j : JUMPS) {
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", nodeNs, "iptables", "-w",
                    "-t", j[0], "-I", j[1]));
            if (j[3].equals("new")) {
                argv.addAll(List.of("-m", "conntrack", "--ctstate", "NEW"));
            }
            if (!j[4].isEmpty()) {
                argv.addAll(List.of("-m", "comment", "--comment", j[4]));
            }
            argv.addAll(List.of("-j", j[2]));
            ProcessResult.run(null, 30, argv).assertSuccess();
        }
    }

    /** kube-proxy's restore payload, as kube-proxy applies it on a full sync. */
    private void restoreKubeProxyPayload() throws IOException {
        String payload = resource("kube-proxy-overall-iptables-rules.txt");
        Path file = work.resolve("kube-proxy.rules");
        Files.writeString(file, payload);
        ProcessResult restore = ProcessResult.run(null, 30, "ip", "netns", "exec", nodeNs,
                "iptables-restore", "--noflush", "--counters", file.toString());
        if (restore.exitCode() != 0) {
            // Without xt_nfacct (or the nfacct objects) kube-proxy writes the same rules minus the nfacct matches.
            Files.writeString(file, payload.replaceAll(" -m nfacct --nfacct-name \\S+", ""));
            run("ip", "netns", "exec", nodeNs, "iptables-restore", "--noflush", "--counters", file.toString());
        }
    }

    private String iptablesSave(String table) {
        return ProcessResult.run(null, 30, "ip", "netns", "exec", nodeNs, "iptables-save", "-t", table)
                .assertSuccess().stdout();
    }

    /** The upstream objects, minus ns6/svc6, plus ns7/svc7: Sluice's state differs visibly from kube-proxy's. */
    private Path sluiceObjects() throws IOException {
        ObjectNode input = (ObjectNode) JSON.readTree(resource("kube-proxy-overall-iptables-rules.input.json"));
        ArrayNode items = JSON.createArrayNode();
        input.path("steps").get(0).path("objects").forEach(o -> {
            if (!o.path("metadata").path("namespace").asText().equals("ns6")) {
                items.add(o);
            }
        });
        items.add(JSON.readTree("""
                {"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "ns7", "name": "svc7"},
                 "spec": {"type": "ClusterIP", "clusterIP": "172.30.0.47",
                          "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]}}"""));
        items.add(JSON.readTree("""
                {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                 "metadata": {"namespace": "ns7", "name": "svc7-1", "labels": {"kubernetes.io/service-name": "svc7"}},
                 "addressType": "IPv4", "endpoints": [{"addresses": ["10.180.0.1"]}],
                 "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]}"""));
        ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        list.set("items", items);
        Path file = work.resolve("objects.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), list);
        return file;
    }

    /** The upstream test's proxier settings as a KubeProxyConfiguration. */
    private Path sluiceConfig() throws IOException {
        Path file = work.resolve("config.yaml");
        Files.writeString(file, """
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                kind: KubeProxyConfiguration
                mode: iptables
                hostnameOverride: test-node
                clusterCIDR: 10.0.0.0/8
                detectLocalMode: ClusterCIDR
                iptables:
                  masqueradeBit: 14
                  masqueradeAll: false
                  localhostNodePorts: true
                conntrack:
                  tcpBeLiberal: false
                """);
        return file;
    }

    private void awaitSuccesses(Path progress, long atLeast) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            long[] c = counts(progress);
            assertThat(c[1]).as("failed connections (ok=%d)", c[0]).isZero();
            assertThat(c[0]).isGreaterThanOrEqualTo(atLeast);
        });
    }

    private static long[] counts(Path progress) throws IOException {
        if (!Files.exists(progress)) {
            return new long[] {0, 0};
        }
        String[] parts = Files.readString(progress).trim().split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    private void start(String... argv) throws IOException {
        processes.add(new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(work.resolve("process-" + processes.size() + ".log").toFile()).start());
    }

    private static void run(String... argv) {
        ProcessResult.run(null, 30, argv).assertSuccess();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SwitchOverIT.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
