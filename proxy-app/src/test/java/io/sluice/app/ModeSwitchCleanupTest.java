package io.sluice.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModeSwitchCleanupTest {
    @Test
    void nftablesModeRemovesIptablesLeftoversAndIpvsOnlyWhereIpvsModeRan() {
        assertThat(ModeSwitchCleanup.leftoverModes("nftables", p -> false)).containsExactly("iptables");
        assertThat(ModeSwitchCleanup.leftoverModes("nftables", p -> p.equals(ModeSwitchCleanup.IPVS_INTERFACE)))
                .containsExactly("iptables", "ipvs");
    }

    @Test
    void iptablesAndIpvsModesRemoveTheNftablesTables() {
        assertThat(ModeSwitchCleanup.leftoverModes("iptables", p -> true)).containsExactly("nftables");
        assertThat(ModeSwitchCleanup.leftoverModes("ipvs", p -> true)).containsExactly("nftables");
    }

    @Test
    void everyLeftoverModeIsARegisteredBackend() {
        assertThat(Backends.names()).contains("iptables", "ipvs", "nftables");
    }
}
