package io.sluice.ipvs;

import io.sluice.core.model.Protocol;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GracefulTerminationManagerTest {
    private final FakeIpvs ipvs = new FakeIpvs();
    private final TestKernel.MutableClock clock = new TestKernel.MutableClock();
    private final GracefulTerminationManager gtm = new GracefulTerminationManager(clock);
    private final List<String> deleted = new ArrayList<>();
    private final GracefulTerminationManager.Listener listener = new GracefulTerminationManager.Listener() {
        @Override
        public void deleted(VirtualServer.Key vs, RealServer rs) {
            deleted.add(vs + " " + rs);
        }

        @Override
        public void failed(String op, String object, IpvsException e) {
            deleted.add("failed " + op);
        }
    };

    @Test
    void idleTcpServerIsDeletedAtOnce() throws Exception {
        VirtualServer vs = new VirtualServer("10.0.0.1", Protocol.TCP, 80, "rr", 0, 0);
        ipvs.preload(vs, RealServer.of("10.1.0.1", 80));
        assertThat(gtm.remove(ipvs, vs.key(), RealServer.of("10.1.0.1", 80)))
                .isEqualTo(GracefulTerminationManager.Outcome.DELETED);
        assertThat(gtm.queued()).isEmpty();
    }

    @Test
    void busyTcpServerDrainsAndIsCheckedAtMostOncePerInterval() throws Exception {
        VirtualServer vs = new VirtualServer("10.0.0.1", Protocol.TCP, 80, "rr", 0, 0);
        ipvs.preload(vs, new RealServer("10.1.0.1", 80, 1, 1, 0));

        assertThat(gtm.remove(ipvs, vs.key(), RealServer.of("10.1.0.1", 80)))
                .isEqualTo(GracefulTerminationManager.Outcome.DRAINING);
        assertThat(ipvs.realServer(vs.key(), "10.1.0.1", 80).weight()).isZero();
        ipvs.setConns(vs.key(), "10.1.0.1", 80, 0, 0);

        assertThat(gtm.checkQueue(ipvs, listener)).isFalse();
        clock.advance(Duration.ofSeconds(60));
        assertThat(gtm.checkQueue(ipvs, listener)).isTrue();
        assertThat(deleted).containsExactly("10.0.0.1:80/TCP 10.1.0.1:80");
        assertThat(gtm.queued()).isEmpty();
    }

    @Test
    void sctpAndUdpSkipGracefulTermination() throws Exception {
        for (Protocol p : List.of(Protocol.UDP, Protocol.SCTP)) {
            VirtualServer vs = new VirtualServer("10.0.0.1", p, 80, "rr", 0, 0);
            ipvs.preload(vs, new RealServer("10.1.0.1", 80, 1, 3, 3));
            assertThat(gtm.remove(ipvs, vs.key(), RealServer.of("10.1.0.1", 80)))
                    .isEqualTo(GracefulTerminationManager.Outcome.DELETED);
        }
    }

    @Test
    void serverGoneFromKernelLeavesQueue() throws Exception {
        VirtualServer vs = new VirtualServer("10.0.0.1", Protocol.TCP, 80, "rr", 0, 0);
        ipvs.preload(vs, new RealServer("10.1.0.1", 80, 1, 1, 0));
        gtm.remove(ipvs, vs.key(), RealServer.of("10.1.0.1", 80));
        ipvs.rss.get(vs.key()).clear();
        clock.advance(Duration.ofMinutes(2));
        gtm.checkQueue(ipvs, listener);
        assertThat(gtm.queued()).isEmpty();
        assertThat(deleted).isEmpty();
    }
}
