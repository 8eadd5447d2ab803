package io.sluice.iptables.render;

import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RenderOptionsTest {
    private static final NodeInfo NODE = new NodeInfo("node-1", List.of("192.168.0.2", "fd00::2", "10.1.1.1"),
            new TreeMap<>(), false);

    private static ProxyConfig config(String mode, List<String> clusterCidrs, ProxyConfig.DetectLocal dl) {
        ProxyConfig d = ProxyConfig.defaults("node-1");
        return new ProxyConfig(d.mode(), d.hostnameOverride(), clusterCidrs, mode, dl, List.of(), d.iptables(),
                d.ipvs(), d.conntrack(), d.metricsBindAddress(), d.healthzBindAddress(), d.kubeconfig(),
                d.configSyncPeriod(), d.serviceProxyName());
    }

    @Test
    void fromConfigTakesFamilyAddressesMarkAndCapabilities() {
        ProxyConfig c = config("ClusterCIDR", List.of("10.0.0.0/8", "fd00:10::/48"), null);
        RenderOptions v4 = RenderOptions.from(c, IpFamily.IPv4, NODE, KernelAssumptions.DUMP_DEFAULTS);
        assertThat(v4.nodeName()).isEqualTo("node-1");
        assertThat(v4.nodeIPs()).containsExactly("192.168.0.2", "10.1.1.1");
        assertThat(v4.masqueradeMark()).isEqualTo("0x00004000");
        assertThat(v4.localDetector()).isEqualTo(new LocalDetector.ClusterCidr("10.0.0.0/8"));
        assertThat(v4.localhostNodePorts()).isTrue();
        assertThat(v4.randomFully()).isTrue();
        assertThat(v4.nfacctCtStateInvalid()).isTrue();
        RenderOptions v6 = RenderOptions.from(c, IpFamily.IPv6, NODE, KernelAssumptions.UPSTREAM_TESTS);
        assertThat(v6.nodeIPs()).containsExactly("fd00::2");
        assertThat(v6.localDetector()).isEqualTo(new LocalDetector.ClusterCidr("fd00:10::/48"));
        assertThat(v6.randomFully()).isFalse();
        // Unknown ("probe") capabilities count as absent.
        assertThat(RenderOptions.from(c, IpFamily.IPv4, NODE, KernelAssumptions.PROBE).nfacctLocalhostNodePorts())
                .isFalse();
    }

    @Test
    void clusterCidrModeWithoutCidrOfTheFamilyHasNoDetector() {
        ProxyConfig c = config("ClusterCIDR", List.of("10.0.0.0/8"), null);
        assertThat(RenderOptions.from(c, IpFamily.IPv6, NODE, KernelAssumptions.DUMP_DEFAULTS).localDetector()
                .implemented()).isFalse();
    }

    @Test
    void interfaceDetectorsComeFromDetectLocal() {
        ProxyConfig.DetectLocal dl = new ProxyConfig.DetectLocal("cbr0", "veth");
        assertThat(RenderOptions.from(config("BridgeInterface", List.of(), dl), IpFamily.IPv4, NODE,
                KernelAssumptions.DUMP_DEFAULTS).localDetector().ifNotLocal()).containsExactly("!", "-i", "cbr0");
        assertThat(RenderOptions.from(config("InterfaceNamePrefix", List.of(), dl), IpFamily.IPv4, NODE,
                KernelAssumptions.DUMP_DEFAULTS).localDetector().ifLocal()).containsExactly("-i", "veth+");
        // A hostile interface name never becomes an argument.
        ProxyConfig.DetectLocal bad = new ProxyConfig.DetectLocal("br0 -j ACCEPT", "");
        assertThat(RenderOptions.from(config("BridgeInterface", List.of(), bad), IpFamily.IPv4, NODE,
                KernelAssumptions.DUMP_DEFAULTS).localDetector()).isEqualTo(new LocalDetector.NoOp());
    }

    /** detectLocalMode NodeCIDR masquerades by the node's pod CIDR (kube-proxy server_linux.go getLocalDetectors). */
    @Test
    void nodeCidrModeUsesTheNodesPodCidrNotTheClusterCidr() {
        ProxyConfig c = config("NodeCIDR", List.of("10.0.0.0/8"), null);
        NodeInfo withPodCidr = NODE.withPodCIDRs(List.of("10.0.3.0/24"));
        RenderOptions v4 = RenderOptions.from(c, IpFamily.IPv4, withPodCidr, KernelAssumptions.DUMP_DEFAULTS);
        assertThat(v4.localDetector()).isEqualTo(new LocalDetector.NodeCidr("10.0.3.0/24"));
        assertThat(v4.localDetector().ifNotLocal()).containsExactly("!", "-s", "10.0.3.0/24");
        // No pod CIDR of the family: no detector (kube-proxy: NoOp), never the cluster CIDR.
        assertThat(RenderOptions.from(c, IpFamily.IPv4, NODE, KernelAssumptions.DUMP_DEFAULTS).localDetector()
                .implemented()).isFalse();
    }

    /** run: node-port addresses match the host's interfaces (GetNodeIPs), including a secondary address. */
    @Test
    void hostFactsGiveTheHostsAddressesAsNodePortCandidates() {
        io.sluice.core.node.NodeFacts host = io.sluice.core.node.NodeFacts.host(() -> List.of(
                new io.sluice.core.node.InterfaceAddress("eth0", "192.168.0.2"),
                new io.sluice.core.node.InterfaceAddress("eth0", "192.168.0.77"),
                new io.sluice.core.node.InterfaceAddress("lo", "127.0.0.1")));
        ProxyConfig c = config("ClusterCIDR", List.of("10.0.0.0/8"), null);
        assertThat(RenderOptions.from(c, IpFamily.IPv4, NODE, KernelAssumptions.DUMP_DEFAULTS, host)
                .nodePortCandidateAddresses()).containsExactly("192.168.0.2", "192.168.0.77", "127.0.0.1");
        // Dumps: loopback, then the Node object's addresses.
        assertThat(RenderOptions.from(c, IpFamily.IPv4, NODE, KernelAssumptions.DUMP_DEFAULTS)
                .nodePortCandidateAddresses()).containsExactly("127.0.0.1", "192.168.0.2", "10.1.1.1");
    }

    @Test
    void rejectsUnsafeMarksAndNormalisesDetectorCidrs() {
        assertThatThrownBy(() -> TestSnapshots.opts().with(o -> o.mark = "0x4000 -j ACCEPT").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new LocalDetector.ClusterCidr("10.1.2.3/8").cidr()).isEqualTo("10.0.0.0/8");
        assertThatThrownBy(() -> new LocalDetector.InterfaceNamePrefix("veth\n")).isInstanceOf(
                IllegalArgumentException.class);
    }

    @Test
    void jumpRulesAndCleanupFollowUpstreamTables() {
        List<JumpRule> rules = JumpRules.forFamily(IpFamily.IPv4);
        assertThat(rules).hasSize(14);
        assertThat(rules.get(0).ruleArgs()).containsExactly("INPUT", "-m", "conntrack", "--ctstate", "NEW", "-m",
                "comment", "--comment", "kubernetes externally-visible service portals", "-j",
                "KUBE-EXTERNAL-SERVICES");
        assertThat(rules.get(13).ruleArgs()).containsExactly("OUTPUT", "-j", "KUBE-FIREWALL");
        assertThat(CleanupRules.jumpRulesToDelete(IpFamily.IPv6)).hasSize(12)
                .noneMatch(r -> r.toChain().equals("KUBE-FIREWALL"));
        assertThat(CleanupRules.natChainsToRemove(java.util.Set.of("KUBE-SERVICES", "KUBE-SVC-ABC", "KUBE-FIREWALL",
                "DOCKER"))).containsExactly("KUBE-SERVICES", "KUBE-SVC-ABC");
        assertThat(CleanupRules.restorePayload("nat", new java.util.TreeSet<>(List.of("KUBE-SVC-ABC"))))
                .isEqualTo("*nat\n:KUBE-SVC-ABC - [0:0]\n-X KUBE-SVC-ABC\nCOMMIT\n");
    }
}
