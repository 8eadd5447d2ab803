package io.sluice.app.netlab;

import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.sluice.app.netlab.ClusterObjects.ep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code detectLocalMode: NodeCIDR} on the real kernel (kube-proxy cmd/kube-proxy/app/server_linux.go
 * getLocalDetectors + pkg/proxy/util/localdetector.go): "local" means the node's own pod CIDR from the Node's
 * {@code spec.podCIDRs}, not the cluster CIDR. A pod inside the node's pod CIDR reaches a ClusterIP with its own
 * address; a source inside the cluster CIDR but outside the node's pod CIDR is masqueraded. With ClusterCIDR the same
 * source is not.
 */
class NodeCidrMasqueradeIT {
    private NetLab lab;
    private Path dir;
    private Path objects;
    private String inside;
    private String outside;

    @BeforeEach
    void buildLab(@TempDir Path tmp) throws Exception {
        PrivilegedTier.require("ip", "iptables", "iptables-restore");
        dir = tmp;
        lab = NetLab.create("slnc");
        inside = lab.addPod("pod-in", 11, 8080);    // 10.244.1.11: inside the node's pod CIDR 10.244.1.0/28
        outside = lab.addPod("pod-out", 20, 8080);  // 10.244.1.20: cluster CIDR, outside the node's pod CIDR
        String backend = lab.addPod("pod-b", 12, 8080);
        objects = ClusterObjects.withPodCidrs("10.244.1.0/28")
                .clusterIp("shop", "web", "10.96.0.30", 80)
                .slice("shop", "web", "TCP", 8080, ep(backend, "node-a"))
                .write(dir.resolve("objects.json"));
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    private Path config(String mode) throws Exception {
        return Files.writeString(dir.resolve("config-" + mode + ".yaml"), """
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                kind: KubeProxyConfiguration
                mode: iptables
                hostnameOverride: node-a
                clusterCIDR: 10.244.0.0/16
                detectLocalMode: %s
                """.formatted(mode));
    }

    @Test
    void nodeCidrMasqueradesEverythingOutsideTheNodesPodCidr() throws Exception {
        SluiceCli.syncOnce(lab, objects, config("NodeCIDR"));
        assertThat(lab.inNode("iptables-save", "-t", "nat")).contains("! -s 10.244.1.0/28 -d 10.96.0.30/32");

        assertThat(Replies.sources(lab.connect("pod-in", "10.96.0.30", 80, 3, false, 2.0)))
                .as("a local pod keeps its address").containsExactly(inside);
        assertThat(Replies.sources(lab.connect("pod-out", "10.96.0.30", 80, 3, false, 2.0)))
                .as("outside the node's pod CIDR: masqueraded").doesNotContain(outside).hasSize(1);
    }

    @Test
    void clusterCidrDoesNotMasqueradeTheSameSource() throws Exception {
        SluiceCli.syncOnce(lab, objects, config("ClusterCIDR"));
        assertThat(Replies.sources(lab.connect("pod-out", "10.96.0.30", 80, 3, false, 2.0)))
                .containsExactly(outside);
    }
}
