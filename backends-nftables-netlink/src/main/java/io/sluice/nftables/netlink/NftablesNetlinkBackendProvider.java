package io.sluice.nftables.netlink;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendProvider;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.conntrack.Conntrack;
import io.sluice.nftables.NftablesBackend;
import io.sluice.nftables.exec.ProcessNft;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code --backend nftables-netlink}: kube-proxy's nftables mode (the same renderer, planner and sync logic as
 * {@code nftables}) applied over netlink; {@code nft -f} only for what netlink cannot do (logged and counted); stale UDP
 * conntrack entries are cleared like the {@code nftables} backend does.
 * {@code --backend nftables} keeps the pure {@code nft -f} applier.
 */
public final class NftablesNetlinkBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "nftables-netlink";
    }

    @Override
    public ProxyBackend create(BackendContext context) {
        ProcessCommandRunner runner = new ProcessCommandRunner();
        return new NftablesBackend(context, new FallbackNft(new NetlinkNft(null), new ProcessNft(runner, List.of()),
                context.metrics()), UnaryOperator.identity(), new Conntrack(runner)::delete);
    }
}
