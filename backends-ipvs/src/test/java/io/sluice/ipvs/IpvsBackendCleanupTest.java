package io.sluice.ipvs;

import io.sluice.core.backend.SyncRequest;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static io.sluice.ipvs.Snap.ep;
import static io.sluice.ipvs.Snap.svc;
import static org.assertj.core.api.Assertions.assertThat;

class IpvsBackendCleanupTest {

    @Test
    void cleanupRemovesOnlyWhatIpvsModeOwns() throws Exception {
        TestKernel k = new TestKernel();
        IpvsBackend backend = k.backend(TestConfigs.excludeCidrs("10.250.0.0/16"));
        backend.sync(SyncRequest.full(Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41").nodePort(3001),
                ep("10.180.0.1", 80)).build()));
        VirtualServer foreign = new VirtualServer("10.250.0.1", Protocol.TCP, 80, "wrr", 0, 0);
        k.ipvs.preload(foreign, RealServer.of("10.250.1.1", 80));
        VirtualServer leftover = new VirtualServer("10.99.0.1", Protocol.UDP, 53, "rr", 0, 0);
        k.ipvs.preload(leftover);
        k.ipset.restore("create FOREIGN-SET hash:ip family inet hashsize 1024 maxelem 65536\nadd FOREIGN-SET 1.1.1.1\n"
                + "create KUBE-6-CLUSTER-IP hash:ip,port family inet6 hashsize 1024 maxelem 65536\n");
        int payloadsBefore = k.iptables.payloads.size();

        backend.cleanup();

        assertThat(k.ipvs.vss.keySet()).containsExactly(foreign.key());
        assertThat(k.ipvs.rss.get(foreign.key())).hasSize(1);
        assertThat(k.link.exists).isFalse();
        assertThat(k.ipset.sets.keySet()).containsExactly("FOREIGN-SET");
        assertThat(k.commands.rules).isEmpty();
        List<String> cleanupPayloads = k.iptables.payloads.subList(payloadsBefore, k.iptables.payloads.size());
        assertThat(cleanupPayloads).hasSize(2).allMatch(p -> p.equals(IpvsBackend.cleanupPayload()));
        assertThat(k.iptables.families.subList(payloadsBefore, k.iptables.families.size()))
                .containsExactly(IpFamily.IPv4, IpFamily.IPv6);
        // Only our chains are named: nothing else can be flushed or deleted.
        TreeSet<String> named = new TreeSet<>();
        for (String line : IpvsBackend.cleanupPayload().split("\n")) {
            if (line.startsWith(":") || line.startsWith("-X ")) {
                named.add(line.startsWith(":") ? line.substring(1, line.indexOf(' ')) : line.substring(3));
            }
        }
        assertThat(named).containsExactlyInAnyOrder("KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-NODE-PORT",
                "KUBE-LOAD-BALANCER", "KUBE-MARK-MASQ", "KUBE-FORWARD", "KUBE-PROXY-FIREWALL",
                "KUBE-SOURCE-RANGES-FIREWALL", "KUBE-IPVS-FILTER", "KUBE-IPVS-OUT-FILTER");

        // Idempotent.
        backend.cleanup();
        assertThat(k.ipvs.vss.keySet()).containsExactly(foreign.key());

        // A sync after cleanup rebuilds from the kernel's (now empty) state.
        backend.sync(SyncRequest.full(Snap.create().add(svc("ns1", "svc1").clusterIP("172.30.0.41"),
                ep("10.180.0.1", 80)).build()));
        assertThat(k.link.addresses).containsExactly("172.30.0.41");
        assertThat(k.ipset.sets).containsKey("KUBE-CLUSTER-IP");
    }
}
