package io.sluice.ipvs;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpvsKernelTest {

    /** A host whose kernel has no IPVS: the client cannot be opened, the link can. */
    private static final class NoIpvsHost implements KernelIpvs {
        final FakeDummyLink link = new FakeDummyLink();

        @Override
        public IpvsClient openClient() throws IpvsException {
            throw new IpvsException("open", "IPVS", 2, "generic netlink family IPVS not available");
        }

        @Override
        public DummyLink openDummyLink() {
            return link;
        }
    }

    @Test
    void syncWithoutIpvsFailsClearlyButCleanupStillRemovesTheRest() throws Exception {
        NoIpvsHost host = new NoIpvsHost();
        host.link.exists = true;
        RecordingCommandRunner runner = new RecordingCommandRunner();
        IpvsBackend backend = new IpvsBackend(new BackendContext(TestConfigs.ipvs(), null,
                KernelAssumptions.DUMP_DEFAULTS, null, null), IpvsKernel.real(host, runner));

        assertThatThrownBy(() -> backend.sync(SyncRequest.full(Snap.create().build())))
                .isInstanceOf(SyncException.class).hasMessageContaining("IPVS not available");

        backend.cleanup();

        assertThat(host.link.exists).isFalse();
        // The restore of the variant the node uses (detection found no KUBE- chains and no "(legacy)": nft).
        assertThat(runner.calls).contains(List.of("iptables-nft-restore", "-w", "5", "--noflush", "--counters"),
                List.of("ipset", "save"));
    }
}
