package io.sluice.ipvs.vm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness itself, against services programmed with plain {@code ipvsadm} (masquerade forwarding, as kube-proxy):
 * pods answer through IPVS from the node and from the client namespace, over TCP and UDP, with the client's address
 * preserved. If this class fails, the backend tests cannot be trusted either.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodNetworkVmTest {
    private static final String VIP = "10.96.77.1";
    private static final String VIP_LINK = VmTier.PREFIX + "-vip0";

    private PodNetwork net;

    @BeforeAll
    void setUp() {
        net = PodNetwork.start(3, 8080);
        StringBuilder rules = new StringBuilder();
        rules.append("-A -t ").append(VIP).append(":80 -s rr\n");
        rules.append("-A -u ").append(VIP).append(":53 -s rr\n");
        for (Pod p : net.pods()) {
            rules.append("-a -t ").append(VIP).append(":80 -r ").append(p.ip()).append(":8080 -m -w 1\n");
            rules.append("-a -u ").append(VIP).append(":53 -r ").append(p.ip()).append(":8080 -m -w 1\n");
        }
        Sh.runWithInput(rules.toString(), "ipvsadm-restore");
        Sh.runWithInput("link add " + VIP_LINK + " type dummy\naddr add " + VIP + "/32 dev " + VIP_LINK + "\n",
                "ip", "-batch", "-");
    }

    @AfterAll
    void tearDown() {
        Sh.attempt("ipvsadm", "-D", "-t", VIP + ":80");
        Sh.attempt("ipvsadm", "-D", "-u", VIP + ":53");
        Sh.attempt("ip", "link", "del", VIP_LINK);
        if (net != null) {
            net.close();
        }
    }

    @Test
    void podsAnswerDirectlyWithTheirName() {
        for (Pod p : net.pods()) {
            assertThat(Probe.tcp(p.ip(), 8080)).map(Reply::pod).contains(p.name());
            assertThat(Probe.udp(p.ip(), 8080)).map(Reply::pod).contains(p.name());
        }
    }

    @Test
    void tcpThroughIpvsFromTheNodeReachesEveryPod() {
        List<Optional<Reply>> replies = Probe.tcp(VIP, 80, 9);
        assertThat(Reply.answers(replies)).doesNotContain(Reply.NO_ANSWER);
        assertThat(Reply.pods(replies)).containsExactlyInAnyOrder("pod1", "pod2", "pod3");
    }

    @Test
    void udpThroughIpvsFromTheNodeReachesEveryPod() {
        Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 9; i++) {
            Probe.udp(VIP, 53).ifPresent(r -> seen.add(r.pod()));
        }
        assertThat(seen).containsExactlyInAnyOrder("pod1", "pod2", "pod3");
    }

    @Test
    void clientNamespaceReachesThePodsWithItsOwnSourceAddress() {
        List<Optional<Reply>> replies = net.fromClient("tcp", PodNetwork.CLIENT_IP2, VIP, 80, 6, 3);
        assertThat(replies.stream().map(r -> r.map(Reply::clientIp).orElse(Reply.NO_ANSWER)).toList())
                .containsOnly(PodNetwork.CLIENT_IP2);
        assertThat(Reply.pods(replies)).hasSizeGreaterThan(1);
    }

}
