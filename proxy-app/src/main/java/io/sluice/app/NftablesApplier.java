package io.sluice.app;

/**
 * {@code --nftables-applier nft|netlink}: which applier nftables mode uses. {@code nft} (default) runs
 * {@code nft -f}; {@code netlink} is the backend {@code nftables-netlink} (module backends-nftables-netlink): the same
 * renderer and sync logic, transactions sent as nf_tables netlink batches, {@code nft -f} only where netlink cannot
 * (logged and counted). The mode stays {@code nftables}, so mode-switch cleanup and {@code sluice cleanup} treat both
 * alike.
 */
final class NftablesApplier {
    static final String NFT = "nft";
    static final String NETLINK = "netlink";

    private NftablesApplier() {
    }

    /** The backend provider name for {@code mode} with {@code applier}. */
    static String provider(String mode, String applier) {
        if (!NFT.equals(applier) && !NETLINK.equals(applier)) {
            throw new CliException(SluiceMain.EXIT_USAGE, "unknown --nftables-applier '" + Printable.of(applier)
                    + "' (nft or netlink)");
        }
        return "nftables".equals(mode) && NETLINK.equals(applier) ? "nftables-netlink" : mode;
    }
}
