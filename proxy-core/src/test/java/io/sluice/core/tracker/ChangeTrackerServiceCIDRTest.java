package io.sluice.core.tracker;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The snapshot carries the union of the ServiceCIDR objects' CIDRs, as kube-proxy's ServiceCIDRConfig keeps it. */
class ChangeTrackerServiceCIDRTest {
    @Test
    void theSnapshotHoldsTheSortedUnionAndForgetsDeletedObjects() {
        ChangeTracker tracker = new ChangeTracker("node-1");
        tracker.onServiceCIDRUpsert("kubernetes", List.of("10.96.0.0/16", "fd00:96::/108"));
        tracker.onServiceCIDRUpsert("extra", List.of("10.100.0.0/16", "10.96.0.0/16"));

        assertThat(tracker.currentSnapshot().serviceCIDRs())
                .containsExactly("10.100.0.0/16", "10.96.0.0/16", "fd00:96::/108");

        tracker.onServiceCIDRDelete("extra");
        assertThat(tracker.currentSnapshot().serviceCIDRs()).containsExactly("10.96.0.0/16", "fd00:96::/108");
        tracker.onServiceCIDRUpsert("kubernetes", List.of("10.97.0.0/16"));
        assertThat(tracker.currentSnapshot().serviceCIDRs()).containsExactly("10.97.0.0/16");
    }
}
