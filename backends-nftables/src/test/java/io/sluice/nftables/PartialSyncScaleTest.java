package io.sluice.nftables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.sync.ManualTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Set;

import static io.sluice.nftables.Snapshots.clusterIP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partial sync's transaction is proportional to the change, not to the cluster: one endpoint change in a cluster of
 * 10,000 services sends the same three operations as in a cluster of ten (counted, not timed).
 */
class PartialSyncScaleTest {

    @ParameterizedTest
    @CsvSource({"10, 10", "10000, 10"})
    void oneEndpointChangeSendsThreeOperationsWhateverTheClusterSize(int services, int endpoints) throws SyncException {
        ManualTime time = new ManualTime();
        FakeNft nft = new FakeNft();
        NftablesBackend backend = new NftablesBackend(new BackendContext(
                ProxyConfig.defaults(Snapshots.NODE).withMode("nftables"), null, null, time.clock(), null), nft);
        Snapshots cluster = new Snapshots();
        for (int s = 0; s < services; s++) {
            cluster.service(clusterIP("ns" + s % 100, "svc" + s, ip("10.96.", s)), endpoints(s, endpoints, 0));
        }
        backend.sync(new SyncRequest(cluster.build(), Set.of(), true));
        int full = backend.state(IpFamily.IPv4).lastOperations();
        assertThat(full).isGreaterThan(services * 4);

        time.advance(Duration.ofSeconds(1));
        cluster.service(clusterIP("ns7", "svc7", ip("10.96.", 7)), endpoints(7, endpoints, 1));
        backend.sync(new SyncRequest(cluster.build(), Set.of(new NamespacedName("ns7", "svc7")), false));

        assertThat(backend.state(IpFamily.IPv4).lastOperations()).isEqualTo(3); // add + flush chain, one DNAT rule
        assertThat(nft.lastApplied().text()).contains("ns7/svc7").doesNotContain("svc8");

        time.advance(Duration.ofSeconds(1));
        backend.sync(new SyncRequest(cluster.build(), Set.of(), false));
        assertThat(backend.state(IpFamily.IPv4).lastOperations()).isZero();
    }

    private static io.sluice.core.model.Endpoint[] endpoints(int service, int n, int shift) {
        io.sluice.core.model.Endpoint[] eps = new io.sluice.core.model.Endpoint[n];
        for (int i = 0; i < n; i++) {
            eps[i] = Snapshots.ep(ip("10.128.", service * n + i + shift * 7919), "node-b");
        }
        return eps;
    }

    /** prefix + two octets of {@code i}. */
    private static String ip(String prefix, int i) {
        return prefix + (i / 250 % 250) + "." + (i % 250 + 1);
    }
}
