package io.sluice.core.node;

import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** cmd/kube-proxy/app/server_linux.go getLocalDetectors, one case per detectLocalMode. */
class LocalTrafficDetectorTest {
    private static final NodeInfo NODE = NodeInfo.named("node-a").withPodCIDRs(List.of("10.244.3.0/24", "fd00:3::/64"));

    @Test
    void clusterCidrTakesTheClusterCidrOfTheFamily() {
        ProxyConfig cfg = NodeConfigs.config(List.of("10.244.0.0/16", "fd00::/48"), "ClusterCIDR", null, List.of());
        assertThat(LocalTrafficDetector.forFamily(cfg, IpFamily.IPv4, NODE))
                .isEqualTo(new LocalTrafficDetector.ClusterCidr("10.244.0.0/16"));
        assertThat(LocalTrafficDetector.forFamily(cfg, IpFamily.IPv6, NODE))
                .isEqualTo(new LocalTrafficDetector.ClusterCidr("fd00::/48"));
    }

    /** NodeCIDR: the node's spec.podCIDRs of the family, not the cluster CIDR. */
    @Test
    void nodeCidrTakesTheNodesPodCidrOfTheFamily() {
        ProxyConfig cfg = NodeConfigs.config(List.of("10.244.0.0/16"), "NodeCIDR", null, List.of());
        assertThat(LocalTrafficDetector.forFamily(cfg, IpFamily.IPv4, NODE))
                .isEqualTo(new LocalTrafficDetector.NodeCidr("10.244.3.0/24"));
        assertThat(LocalTrafficDetector.forFamily(cfg, IpFamily.IPv6, NODE))
                .isEqualTo(new LocalTrafficDetector.NodeCidr("fd00:3::/64"));
        assertThat(LocalTrafficDetector.forFamily(cfg, IpFamily.IPv4, NodeInfo.named("node-a")).implemented())
                .isFalse();
    }

    @Test
    void interfaceModesApplyToBothFamiliesAndRejectUnsafeNames() {
        ProxyConfig bridge = NodeConfigs.config(List.of(), "BridgeInterface",
                new ProxyConfig.DetectLocal("cbr0", ""), List.of());
        assertThat(LocalTrafficDetector.forFamily(bridge, IpFamily.IPv6, NODE))
                .isEqualTo(new LocalTrafficDetector.BridgeInterface("cbr0"));
        ProxyConfig prefix = NodeConfigs.config(List.of(), "InterfaceNamePrefix",
                new ProxyConfig.DetectLocal("", "veth"), List.of());
        assertThat(LocalTrafficDetector.forFamily(prefix, IpFamily.IPv4, NODE))
                .isEqualTo(new LocalTrafficDetector.InterfaceNamePrefix("veth"));
        ProxyConfig hostile = NodeConfigs.config(List.of(), "BridgeInterface",
                new ProxyConfig.DetectLocal("br0 -j ACCEPT", ""), List.of());
        assertThat(LocalTrafficDetector.forFamily(hostile, IpFamily.IPv4, NODE).implemented()).isFalse();
    }

    @Test
    void podCidrWaitReturnsOnceTheNodeHasPodCidrsAndGivesUpAfterTheTimeout() throws Exception {
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        assertThat(PodCidrWait.await(() -> polls.incrementAndGet() < 3 ? NodeInfo.named("node-a") : NODE,
                java.time.Duration.ofMinutes(5), java.time.Duration.ofMillis(1))).contains(NODE);
        assertThat(PodCidrWait.await(() -> NodeInfo.named("node-a"), java.time.Duration.ZERO,
                java.time.Duration.ofMillis(1))).isEmpty();
    }
}
