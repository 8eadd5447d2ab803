package io.sluice.nftables.netlink;

import io.sluice.core.backend.BackendMetrics;
import io.sluice.core.model.IpFamily;
import io.sluice.nftables.exec.Nft;
import io.sluice.nftables.exec.NftException;
import io.sluice.nftables.exec.TableNames;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Table;
import io.sluice.nftables.model.Transaction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nft -f only for what netlink cannot do, counted; every other failure is reported as it is. */
class FallbackNftTest {
    static final Transaction TX = Transaction.builder(NftFamily.IP, "kube-proxy").add(new Table(null)).build();

    static final class Scripted implements Nft {
        final List<Transaction> applied = new ArrayList<>();
        NftException failure;

        @Override
        public void apply(Transaction tx) throws NftException {
            if (failure != null) {
                throw failure;
            }
            applied.add(tx);
        }

        @Override
        public void check(Transaction tx) {
        }

        @Override
        public String version() {
            return "nftables v1.0.6 (Lester Gooch #5)";
        }

        @Override
        public TableNames listNames(NftFamily family, String table) {
            return TableNames.ABSENT;
        }

        @Override
        public boolean deleteTable(NftFamily family, String table) {
            return false;
        }
    }

    static final class Counting implements BackendMetrics {
        final List<String> errors = new ArrayList<>();

        @Override
        public void restoreFailure(IpFamily family) {
        }

        @Override
        public void partialRestoreFailure(IpFamily family) {
        }

        @Override
        public void iptablesRules(String table, IpFamily family, long total, long last) {
        }

        @Override
        public void noLocalEndpoints(String trafficPolicy, IpFamily family, long count) {
        }

        @Override
        public void backendError(String backend, String operation) {
            errors.add(backend + "/" + operation);
        }
    }

    @Test
    void whatNetlinkCannotDoGoesToNftAndIsCounted() throws Exception {
        Scripted netlink = new Scripted();
        netlink.failure = new NetlinkUnsupportedException("the kernel refused a message type");
        Scripted nft = new Scripted();
        Counting metrics = new Counting();

        new FallbackNft(netlink, nft, metrics).apply(TX);

        assertThat(nft.applied).containsExactly(TX);
        assertThat(metrics.errors).containsExactly("nftables-netlink/fallback-to-nft");
    }

    @Test
    void otherFailuresAreNotRetriedWithNft() {
        Scripted netlink = new Scripted();
        netlink.failure = new NftException("add rule ip kube-proxy x: ENOENT");
        Scripted nft = new Scripted();
        Counting metrics = new Counting();

        assertThatThrownBy(() -> new FallbackNft(netlink, nft, metrics).apply(TX)).hasMessageContaining("ENOENT");
        assertThat(nft.applied).isEmpty();
        assertThat(metrics.errors).isEmpty();
    }
}
