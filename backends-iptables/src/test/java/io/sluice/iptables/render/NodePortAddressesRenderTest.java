package io.sluice.iptables.render;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sluice.iptables.render.RendererGoldenTest.nodePortSvc;
import static io.sluice.iptables.render.RendererGoldenTest.render;
import static io.sluice.iptables.render.TestSnapshots.opts;
import static io.sluice.iptables.render.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

/** The KUBE-NODEPORTS jump of KUBE-SERVICES for nodePortAddresses edge cases. */
class NodePortAddressesRenderTest {

    /**
     * kube-proxy pkg/proxy/util/nodeport_addresses.go NewNodePortAddresses: a list with only IPv6 CIDRs gives the
     * IPv4 proxier the zero CIDR 0.0.0.0/0, which matches every local address and contains the loopback, so
     * localhost node ports stay on (no {@code ! -d 127.0.0.0/8}).
     */
    @Test
    void onlyIPv6CidrsLeaveIPv4MatchingAllWithLocalhostNodePortsOn() {
        String payload = render(opts().with(o -> o.nodePortAddresses = List.of("fd00::/64")),
                snapshot(nodePortSvc()));
        assertThat(payload).contains("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: "
                + "this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
        assertThat(payload).doesNotContain("! -d 127.0.0.0/8");
    }

    /** The same list with an IPv4 CIDR that excludes the loopback turns localhost node ports off. */
    @Test
    void anIPv4CidrWithoutLoopbackMatchesOnlyItsAddresses() {
        String payload = render(opts().with(o -> o.nodePortAddresses = List.of("fd00::/64", "192.168.0.0/16")),
                snapshot(nodePortSvc()));
        assertThat(payload).doesNotContain("--dst-type LOCAL -j KUBE-NODEPORTS");
        assertThat(payload).contains("-d 192.168.0.2 -j KUBE-NODEPORTS");
        assertThat(payload).doesNotContain("-d 127.0.0.1 -j KUBE-NODEPORTS");
    }
}
