package io.sluice.nftables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendProvider;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.nftables.exec.ProcessNft;

import io.sluice.iptables.exec.Conntrack;

import java.util.List;
import java.util.function.UnaryOperator;

/** {@code --backend nftables} / {@code mode: nftables}: the host's {@code nft}, first run on the first sync. */
public final class NftablesBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public ProxyBackend create(BackendContext context) {
        ProcessCommandRunner runner = new ProcessCommandRunner();
        return new NftablesBackend(context, new ProcessNft(runner, List.of()), UnaryOperator.identity(),
                new Conntrack(runner)::delete);
    }
}
