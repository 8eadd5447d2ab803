package io.sluice.app.netlab;

import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.sluice.app.netlab.ClusterObjects.ep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The foundation's real-kernel check: {@code sluice run --once --objects ...} inside a node namespace, then real TCP
 * connections to a ClusterIP reach every endpoint, and a Service without endpoints is refused at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIpPacketFlowIT {
    private NetLab lab;

    @BeforeAll
    void buildNodeAndRunSluiceOnce(@TempDir Path dir) throws Exception {
        PrivilegedTier.require("ip", "iptables", "iptables-restore");
        lab = NetLab.create("slcf");
        String a = lab.addPod("pod-a", 11, 8080);
        String b = lab.addPod("pod-b", 12, 8080);
        String c = lab.addPod("pod-c", 13, 8080);
        Path objects = new ClusterObjects()
                .clusterIp("shop", "web", "10.96.0.10", 80)
                .slice("shop", "web", "TCP", 8080, ep(a, "node-a"), ep(b, "node-b"), ep(c, "node-c"))
                .clusterIp("shop", "empty", "10.96.0.11", 80)
                .write(dir.resolve("objects.json"));

        SluiceCli.syncOnce(lab, objects, SluiceCli.config(dir, ""));
    }

    @AfterAll
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void connectionsToTheClusterIpReachEveryEndpoint() {
        List<String> replies = lab.connect("client", "10.96.0.10", 80, 60, false, 2.0);

        assertThat(replies).allMatch(r -> r.startsWith("OK "), "every connection answered");
        assertThat(Replies.backends(replies))
                .as("backends seen in 60 connections (each has p=1/3 per connection)")
                .containsExactlyInAnyOrder("pod-a", "pod-b", "pod-c");
    }

    @Test
    void podsReachTheClusterIpToo() {
        List<String> replies = lab.connect("pod-a", "10.96.0.10", 80, 30, false, 2.0);

        assertThat(replies).allMatch(r -> r.startsWith("OK "));
        assertThat(Replies.backends(replies)).hasSize(3);
    }

    @Test
    void aServiceWithoutEndpointsIsRefusedAtOnce() {
        long start = System.nanoTime();
        List<String> replies = lab.connect("client", "10.96.0.11", 80, 1, false, 5.0);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(replies).containsExactly("ERR ECONNREFUSED");
        // Not a timing assertion on performance: a refusal is an ICMP answer, a drop would wait the 5 s timeout.
        assertThat(millis).isLessThan(4_000);
    }
}
