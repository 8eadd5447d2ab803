package io.sluice.app.netlab;

import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Predicate;

import static io.sluice.app.netlab.ClusterObjects.ep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health-check node ports on the real kernel (kube-proxy pkg/proxy/healthcheck/service_health.go): a long-running
 * {@code sluice run} in the node namespace serves each LoadBalancer Service with {@code externalTrafficPolicy: Local}
 * on its {@code healthCheckNodePort}, on every host address matching {@code nodePortAddresses} (here also a secondary
 * address the Node object does not list, as kube-proxy reads the host's interfaces); a client namespace probes it
 * with curl. The same run checks that the NodePort is served on that secondary address.
 */
class HealthCheckNodePortIT {
    private static final String SECONDARY = "192.168.50.100";
    private NetLab lab;
    private Process sluice;
    private Path dir;
    private Path objects;
    private String podA;
    private String podB;

    @BeforeEach
    void buildLab(@TempDir Path tmp) throws Exception {
        PrivilegedTier.require("ip", "iptables", "iptables-restore", "curl");
        dir = tmp;
        lab = NetLab.create("slhc");
        lab.inNode("ip", "addr", "add", SECONDARY + "/24", "dev", "vcl1");
        podA = lab.addPod("pod-a", 11, 8080);
        podB = lab.addPod("pod-b", 12, 8080);
        objects = dir.resolve("objects.json");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sluice != null) {
            sluice.destroy();
            sluice.waitFor();
        }
        if (lab != null) {
            lab.close();
        }
    }

    /** A LoadBalancer Service with externalTrafficPolicy Local: port 80 ("p"), node port, health-check node port. */
    private static ClusterObjects lbLocal(ClusterObjects o, String name, String clusterIP, int nodePort, int hcPort) {
        return o.service("shop", name, clusterIP,
                "[{\"name\":\"p\",\"port\":80,\"protocol\":\"TCP\",\"nodePort\":%d}]".formatted(nodePort),
                "\"type\":\"LoadBalancer\",\"externalTrafficPolicy\":\"Local\",\"healthCheckNodePort\":%d"
                        .formatted(hcPort), "");
    }

    private ClusterObjects services(boolean withLocal, boolean remoteGetsLocal) {
        ClusterObjects o = new ClusterObjects();
        if (withLocal) {
            lbLocal(o, "local", "10.96.0.20", 30080, 32100).slice("shop", "local", "TCP", 8080, ep(podA, "node-a"));
        }
        lbLocal(o, "remote", "10.96.0.21", 30081, 32101)
                .slice("shop", "remote", "TCP", 8080, remoteGetsLocal ? ep(podB, "node-a") : ep(podB, "node-b"));
        return o;
    }

    private void write(ClusterObjects o) throws Exception {
        Path tmp = dir.resolve("objects.json.tmp");
        o.write(tmp);
        Files.move(tmp, objects, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String probe(String ip, int port) {
        NetLab.Result r = lab.tryIn(lab.ns("client"), Duration.ofSeconds(30), "curl", "-s", "-i", "--max-time", "5",
                "http://" + ip + ":" + port + "/");
        return r.exitCode() == 0 ? r.output().replace("\r\n", "\n") : "CURL-EXIT " + r.exitCode();
    }

    private String await(String ip, int port, Predicate<String> until, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String last;
        do {
            last = probe(ip, port);
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(what + ": last answer " + last + "\nsluice log:\n"
                + Files.readString(dir.resolve("sluice.log")));
    }

    @Test
    void answersPerLocalEndpointsOnEveryMatchingHostAddressAndFollowsServiceChanges() throws Exception {
        write(services(true, false));
        Path config = SluiceCli.config(dir, """
                nodePortAddresses: ["192.168.50.0/24"]
                iptables:
                  syncPeriod: 2s
                """);
        sluice = SluiceCli.startDaemon(lab, objects, config, dir.resolve("sluice.log"));

        // A local ready endpoint: 200 with kube-proxy's body and headers, on the Node IP and the secondary address.
        String ok = await(NetLab.NODE_IP, 32100, s -> s.startsWith("HTTP/1.1 200"), "200 for shop/local");
        assertThat(ok).contains("Content-Type: application/json\n", "X-Content-Type-Options: nosniff\n",
                "X-Load-Balancing-Endpoint-Weight: 1\n");
        assertThat(ok).endsWith("{\n\t\"service\": {\n\t\t\"namespace\": \"shop\",\n\t\t\"name\": \"local\"\n\t},\n"
                + "\t\"localEndpoints\": 1,\n\t\"serviceProxyHealthy\": true\n}");
        assertThat(probe(SECONDARY, 32100)).startsWith("HTTP/1.1 200");
        // Only endpoints on other nodes: 503, so the load balancer skips this node.
        String remote = probe(NetLab.NODE_IP, 32101);
        assertThat(remote).startsWith("HTTP/1.1 503").contains("\"localEndpoints\": 0,");

        // NodePort on the host's secondary address (kube-proxy matches nodePortAddresses against the host).
        assertThat(lab.connect("client", SECONDARY, 30080, 3, false, 2.0)).allMatch(r -> r.startsWith("OK pod-a "));

        // The Service goes away: its port closes. The other one gains a local endpoint: 200.
        write(services(false, true));
        await(NetLab.NODE_IP, 32100, s -> s.startsWith("CURL-EXIT 7"), "shop/local's port closed (refused)");
        await(SECONDARY, 32101, s -> s.startsWith("HTTP/1.1 200"), "200 for shop/remote after a local endpoint");
    }

    @Test
    void aPortInUseIsLoggedAndRetriedUntilItFrees() throws Exception {
        // Someone else holds 32100 on the node IP.
        Process squatter = new ProcessBuilder("ip", "netns", "exec", lab.node(), "python3", "-c",
                "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                        + "s.bind(('" + NetLab.NODE_IP + "',32100))\ns.listen()\nprint('bound',flush=True)\n"
                        + "time.sleep(600)").redirectErrorStream(true).start();
        try {
            assertThat(new String(squatter.getInputStream().readNBytes(6))).isEqualTo("bound\n");
            write(services(true, false));
            Path config = SluiceCli.config(dir, """
                    nodePortAddresses: ["192.168.50.0/24"]
                    iptables:
                      syncPeriod: 2s
                    """);
            sluice = SluiceCli.startDaemon(lab, objects, config, dir.resolve("sluice.log"));
            await(NetLab.NODE_IP, 32101, s -> s.startsWith("HTTP/1.1 503"), "the other service is served");
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!Files.readString(dir.resolve("sluice.log")).contains("Failed to start healthcheck")
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(Files.readString(dir.resolve("sluice.log")))
                    .contains("Failed to start healthcheck for service shop/local on port 32100");
            assertThat(sluice.isAlive()).as("a port in use is never fatal").isTrue();
        } finally {
            squatter.destroy();
            squatter.waitFor();
        }
        // Freed: a later sync (syncPeriod 2s) opens it.
        await(NetLab.NODE_IP, 32100, s -> s.startsWith("HTTP/1.1 200"), "opened on retry");
    }
}
