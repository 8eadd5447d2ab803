package io.sluice.nftables.netlink;

import io.sluice.core.backend.BackendMetrics;
import io.sluice.nftables.exec.Nft;
import io.sluice.nftables.exec.NftException;
import io.sluice.nftables.exec.TableNames;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The netlink applier first; {@code nft -f} for a transaction the netlink side cannot do
 * ({@link NetlinkUnsupportedException}: no encoding, or the kernel refused a message type). Each fallback logs one
 * line with the reason and counts
 * {@code sluice_backend_errors_total{backend="nftables-netlink",operation="fallback-to-nft"}}. Other failures are reported as they
 * are (the backend answers them with a full sync). Sync thread only.
 */
public final class FallbackNft implements Nft {
    private static final Logger LOG = LoggerFactory.getLogger(FallbackNft.class);

    private final Nft netlink;
    private final Nft nft;
    private final BackendMetrics metrics;

    public FallbackNft(Nft netlink, Nft nft, BackendMetrics metrics) {
        this.netlink = netlink;
        this.nft = nft;
        this.metrics = metrics;
    }

    @Override
    public void apply(Transaction tx) throws NftException {
        try {
            netlink.apply(tx);
        } catch (NetlinkUnsupportedException e) {
            fellBack("apply " + tx.size() + " operations on " + tx.family().keyword() + " " + tx.table(), e);
            nft.apply(tx);
        }
    }

    @Override
    public void check(Transaction tx) throws NftException {
        try {
            netlink.check(tx);
        } catch (NetlinkUnsupportedException e) {
            nft.check(tx);
        }
    }

    /** The netlink applier's: the fallback only runs {@code nft} for what netlink cannot encode. */
    @Override
    public String version() throws NftException {
        return netlink.version();
    }

    @Override
    public TableNames listNames(NftFamily family, String table) throws NftException {
        try {
            return netlink.listNames(family, table);
        } catch (NetlinkUnsupportedException e) {
            fellBack("list " + family.keyword() + " " + table, e);
            return nft.listNames(family, table);
        }
    }

    @Override
    public boolean deleteTable(NftFamily family, String table) throws NftException {
        try {
            return netlink.deleteTable(family, table);
        } catch (NetlinkUnsupportedException e) {
            fellBack("delete table " + family.keyword() + " " + table, e);
            return nft.deleteTable(family, table);
        }
    }

    private void fellBack(String what, NetlinkUnsupportedException e) {
        metrics.backendError("nftables-netlink", "fallback-to-nft");
        LOG.warn("nftables over netlink cannot {}; using nft for it: {}", what, e.getMessage());
    }
}
