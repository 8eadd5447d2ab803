package io.sluice.core.node;

import io.sluice.core.model.IpFamily;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** kube-proxy pkg/proxy/util/nodeport_addresses.go NewNodePortAddresses / GetNodeIPs. */
class NodePortAddressesTest {
    private static final List<String> HOST = List.of("127.0.0.1", "10.0.0.5", "192.168.7.9", "::1", "fd00::5");

    @Test
    void emptyListMatchesAllAndKeepsIPv4Loopback() {
        NodePortAddresses v4 = new NodePortAddresses(IpFamily.IPv4, List.of(), null);
        assertThat(v4.matchAll()).isTrue();
        assertThat(v4.containsIPv4Loopback()).isTrue();
        assertThat(v4.matchingIPs(HOST)).containsExactly("127.0.0.1", "10.0.0.5", "192.168.7.9");
    }

    /** NewNodePortAddresses: only CIDRs of the other family -> this family's zero CIDR (match-all, loopback on). */
    @Test
    void onlyOtherFamilyCidrsFallBackToTheZeroCidrOfTheFamilyLikeKubeProxy() {
        NodePortAddresses v4 = new NodePortAddresses(IpFamily.IPv4, List.of("fd00::/64"), null);
        assertThat(v4.matchAll()).isTrue();
        assertThat(v4.containsIPv4Loopback()).isTrue();
        assertThat(v4.cidrs()).extracting(Object::toString).containsExactly("0.0.0.0/0");

        NodePortAddresses v6 = new NodePortAddresses(IpFamily.IPv6, List.of("10.0.0.0/8"), null);
        assertThat(v6.matchAll()).isTrue();
        assertThat(v6.cidrs()).extracting(Object::toString).containsExactly("::/0");
        assertThat(v6.matchingIPs(HOST)).containsExactly("::1", "fd00::5");
    }

    @Test
    void cidrsOfTheFamilyMatchOnlyTheirAddressesAndLoopbackOnlyWhenCovered() {
        NodePortAddresses v4 = new NodePortAddresses(IpFamily.IPv4, List.of("192.168.0.0/16", "fd00::/64"), null);
        assertThat(v4.matchAll()).isFalse();
        assertThat(v4.containsIPv4Loopback()).isFalse();
        assertThat(v4.matchingIPs(HOST)).containsExactly("192.168.7.9");

        NodePortAddresses withLo = new NodePortAddresses(IpFamily.IPv4, List.of("127.0.0.0/8", "10.0.0.0/8"), null);
        assertThat(withLo.containsIPv4Loopback()).isTrue();
        assertThat(withLo.matchingIPs(HOST)).containsExactly("127.0.0.1", "10.0.0.5");
    }

    @Test
    void zeroCidrAmongOthersMeansMatchAll() {
        NodePortAddresses v4 = new NodePortAddresses(IpFamily.IPv4, List.of("10.0.0.0/8", "0.0.0.0/0"), null);
        assertThat(v4.matchAll()).isTrue();
        assertThat(v4.cidrs()).extracting(Object::toString).containsExactly("0.0.0.0/0");
    }

    @Test
    void primaryIsTheNodeIpOfTheFamily() {
        NodePortAddresses v4 = new NodePortAddresses(IpFamily.IPv4, List.of("primary"), "10.0.0.5");
        assertThat(v4.matchAll()).isFalse();
        assertThat(v4.matchingIPs(HOST)).containsExactly("10.0.0.5");
    }
}
