package io.sluice.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NftablesApplierTest {

    @Test
    void netlinkSelectsTheNetlinkProviderOnlyInNftablesMode() {
        assertThat(NftablesApplier.provider("nftables", "netlink")).isEqualTo("nftables-netlink");
        assertThat(NftablesApplier.provider("nftables", "nft")).isEqualTo("nftables");
        assertThat(NftablesApplier.provider("iptables", "netlink")).isEqualTo("iptables");
        assertThat(Backends.names()).contains("nftables", "nftables-netlink");
    }

    @Test
    void anUnknownApplierIsAUsageError() {
        assertThatThrownBy(() -> NftablesApplier.provider("nftables", "ebpf\u001b"))
                .isInstanceOf(CliException.class).hasMessageContaining("nft or netlink");
    }
}
