package io.sluice.core.node;

import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class NodeFactsTest {
    /** eth0 carries a secondary address that the Node object does not list. */
    private static final HostInterfaces HOST = () -> List.of(
            new InterfaceAddress("eth0", "10.0.0.5"), new InterfaceAddress("eth0", "10.0.9.9"),
            new InterfaceAddress("eth0", "fe80::1"), new InterfaceAddress("lo", "127.0.0.1"),
            new InterfaceAddress("lo", "::1"));
    private static final NodeInfo NODE = new NodeInfo("node-a", List.of("10.0.0.5"), new TreeMap<>(), false);

    /** kube-proxy matches nodePortAddresses against the host's interfaces (GetNodeIPs + RealNetwork). */
    @Test
    void runResolvesNodePortAddressesAgainstTheHostIncludingSecondaryAddresses() {
        NodeFacts facts = NodeFacts.host(HOST);
        assertThat(facts.nodePortIPs(NodeConfigs.nodePortAddresses("10.0.0.0/16"), IpFamily.IPv4, NODE))
                .containsExactly("10.0.0.5", "10.0.9.9");
    }

    /** Dumps keep the Node-object convention: loopback, then the Node's addresses. */
    @Test
    void dumpConventionUsesTheNodeObject() {
        NodeFacts facts = NodeFacts.nodeObject();
        assertThat(facts.candidateAddresses(IpFamily.IPv4, NODE)).containsExactly("127.0.0.1", "10.0.0.5");
        assertThat(facts.nodePortIPs(NodeConfigs.nodePortAddresses("10.0.0.0/16"), IpFamily.IPv4, NODE))
                .containsExactly("10.0.0.5");
    }

    @Test
    void healthCheckPortsListenOnTheWildcardWhenEveryFamilyMatchesAll() {
        assertThat(NodeFacts.host(HOST).healthCheckBindAddresses(NodeConfigs.nodePortAddresses(), NODE))
                .containsExactly("0.0.0.0");
        NodeInfo dual = new NodeInfo("node-a", List.of("10.0.0.5", "fd00::5"), new TreeMap<>(), false);
        assertThat(NodeFacts.host(HOST).healthCheckBindAddresses(NodeConfigs.nodePortAddresses(), dual))
                .containsExactly("::");
    }

    /** kube-proxy newServiceHealthServer: not match-all -> the node IPs matching nodePortAddresses. */
    @Test
    void healthCheckPortsListenOnTheMatchingHostAddressesOtherwise() {
        assertThat(NodeFacts.host(HOST).healthCheckBindAddresses(
                NodeConfigs.nodePortAddresses("10.0.9.0/24"), NODE)).containsExactly("10.0.9.9");
    }

    @Test
    void familiesComeFromTheNodeAndClusterCidrs() {
        NodeFacts facts = NodeFacts.nodeObject();
        assertThat(facts.families(NodeConfigs.nodePortAddresses(), NODE)).containsExactly(IpFamily.IPv4);
        assertThat(facts.families(NodeConfigs.config(List.of("10.244.0.0/16", "fd00:10::/64"), "ClusterCIDR",
                null, List.of()), NODE)).containsExactly(IpFamily.IPv4, IpFamily.IPv6);
    }
}
