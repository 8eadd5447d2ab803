package io.sluice.nftables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kube-proxy's nftables-mode prerequisites (supported.go): nft >= 1.0.1, kernel >= 5.13. */
class NftablesSupportTest {
    @Test
    void nftVersions() {
        assertThat(NftablesSupport.nftProblem("nftables v1.0.6 (Lester Gooch #5)\n")).isEmpty();
        assertThat(NftablesSupport.nftProblem("nftables v1.0.1 (Fearless Fosdick #3)")).isEmpty();
        assertThat(NftablesSupport.nftProblem("nftables v1.0.0 (Fearless Fosdick #2)")).get().asString()
                .contains("too old");
        assertThat(NftablesSupport.nftProblem("nftables v0.9.8 (E.D.S.)")).isPresent();
        assertThat(NftablesSupport.nftProblem("bash: nft: not found")).isPresent();
    }

    @Test
    void kernelVersions() {
        assertThat(NftablesSupport.kernelProblem("6.1.0-18-amd64", null)).isEmpty();
        assertThat(NftablesSupport.kernelProblem("5.13.0", null)).isEmpty();
        assertThat(NftablesSupport.kernelProblem("5.10.0-28-amd64", null)).get().asString()
                .contains(NftablesSupport.SKIP_KERNEL_CHECK);
        assertThat(NftablesSupport.kernelProblem("5.10.0-28-amd64", "1")).isEmpty();
    }

    @Test
    void anUnusableNftFailsEverySyncWithTheReasonAndWritesNothing() {
        FakeNft nft = new FakeNft();
        nft.version = "nftables v0.9.8 (E.D.S.)";
        NftablesBackend backend = new NftablesBackend(BackendContext.forRendering(
                ProxyConfig.defaults("n").withMode("nftables"), null), nft);

        assertThatThrownBy(() -> backend.sync(SyncRequest.full(new Snapshots().build())))
                .isInstanceOf(SyncException.class).hasMessageContaining("nft >= 1.0.1");
        assertThat(nft.applied()).isEmpty();
    }
}
