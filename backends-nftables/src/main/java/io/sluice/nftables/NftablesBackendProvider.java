package io.sluice.nftables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendProvider;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.nftables.exec.ProcessNft;

import java.util.List;

/** {@code --backend nftables} / {@code mode: nftables}: the host's {@code nft}, first run on the first sync. */
public final class NftablesBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public ProxyBackend create(BackendContext context) {
        return new NftablesBackend(context, new ProcessNft(new ProcessCommandRunner(), List.of()));
    }
}
