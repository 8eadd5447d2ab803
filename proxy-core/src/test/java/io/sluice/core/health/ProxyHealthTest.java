package io.sluice.core.health;

import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.sync.ManualTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyHealthTest {

    private final ManualTime time = new ManualTime();
    private final ProxyHealth health = ProxyHealth.forSyncPeriod(time.clock(), Duration.ofSeconds(30));

    @Test
    void healthTimeoutIsTwiceTheSyncPeriod() {
        assertThat(health.healthTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void healthyWhileStartingUpEvenWithQueuedUpdates() {
        health.queuedUpdate(IpFamily.IPv4);
        time.advance(Duration.ofMinutes(10));
        assertThat(health.isHealthy()).isTrue();
    }

    @Test
    void becomesUnhealthyWhenTheOldestQueuedUpdateWaitsTwoSyncPeriods() {
        health.updated(IpFamily.IPv4);
        time.advance(Duration.ofSeconds(5));
        health.queuedUpdate(IpFamily.IPv4);
        time.advance(Duration.ofSeconds(30));
        health.queuedUpdate(IpFamily.IPv4);             // does not move the oldest one
        time.advance(Duration.ofSeconds(29));
        assertThat(health.isHealthy()).isTrue();         // 59 s
        time.advance(Duration.ofSeconds(1));
        ProxyHealth.Status s = health.status();
        assertThat(s.healthy()).isFalse();               // 60 s
        assertThat(s.lastUpdated()).isEqualTo(time.clock().instant().minusSeconds(65));

        health.updated(IpFamily.IPv4);
        assertThat(health.isHealthy()).isTrue();
        assertThat(health.status().lastUpdated()).isEqualTo(time.clock().instant());
    }

    @Test
    void singleStackShorthandsActOnIpv4() {
        health.updated();
        health.queuedUpdate();
        time.advance(Duration.ofSeconds(60));
        assertThat(health.isHealthy()).isFalse();
        health.updated(IpFamily.IPv4);
        assertThat(health.isHealthy()).isTrue();
    }

    @Test
    void noQueuedUpdateMeansHealthyNoMatterHowOldTheLastSync() {
        health.updated(IpFamily.IPv4);
        time.advance(Duration.ofHours(5));
        assertThat(health.isHealthy()).isTrue();
    }

    @Test
    void familiesAreJudgedSeparately() {
        health.updated(IpFamily.IPv4);
        health.updated(IpFamily.IPv6);
        health.queuedUpdate(IpFamily.IPv6);
        health.queuedUpdate(IpFamily.IPv4);
        time.advance(Duration.ofSeconds(30));
        health.updated(IpFamily.IPv4);
        time.advance(Duration.ofSeconds(30));
        assertThat(health.isHealthy()).isFalse();

        // kube-proxy's Health(): per-family status, and lastUpdated is the most recent update of any family.
        ProxyHealth.Status st = health.status();
        java.time.Instant start = st.currentTime().minusSeconds(60);
        assertThat(st.lastUpdated()).isEqualTo(start.plusSeconds(30));
        assertThat(st.families()).containsExactly(
                java.util.Map.entry(IpFamily.IPv4, new ProxyHealth.FamilyStatus(true, start.plusSeconds(30))),
                java.util.Map.entry(IpFamily.IPv6, new ProxyHealth.FamilyStatus(false, start)));
    }

    @Test
    void aDeletingNodeIsNotEligibleButStaysHealthy() {
        assertThat(health.nodeEligible()).isTrue();
        health.syncNode(new NodeInfo("n1", List.of(), new TreeMap<>(), true));
        ProxyHealth.Status s = health.status();
        assertThat(s.healthy()).isTrue();
        assertThat(s.healthzOk()).isFalse();
        health.syncNode(NodeInfo.named("n1"));
        assertThat(health.status().healthzOk()).isTrue();
    }
}
