package io.sluice.ipvs;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sluice.ipvs.Snap.ep;
import static io.sluice.ipvs.Snap.local;
import static io.sluice.ipvs.Snap.svc;
import static org.assertj.core.api.Assertions.assertThat;

class IpvsBackendRenderTest {

    private static IpvsBackend dumpBackend(ProxyConfig cfg) {
        // The opener fails: render must never open the kernel.
        return new IpvsBackend(BackendContext.forRendering(cfg, KernelAssumptions.DUMP_DEFAULTS), () -> {
            throw new IpvsException("open", "kernel", 0, "render must not open the kernel");
        });
    }

    static ProxySnapshot mixed(boolean reversed) {
        Snap s = Snap.create().nodeAddresses("192.168.0.2");
        List<Runnable> adds = List.of(
                () -> s.add(svc("ns1", "cluster").clusterIP("172.30.0.41"), local("10.180.0.1", 8080),
                        ep("10.180.0.2", 8080)),
                () -> s.add(svc("ns2", "nodeport", "p", Protocol.UDP).clusterIP("172.30.0.42").port(53)
                        .nodePort(3001), ep("10.180.0.3", 53)),
                () -> s.add(svc("ns3", "lb").clusterIP("172.30.0.43").nodePort(3002).loadBalancer("1.2.3.4")
                        .sourceRanges("203.0.113.0/25").etpLocal().healthCheckNodePort(30000).affinity(10800),
                        local("10.180.0.4", 80), ep("10.180.0.5", 80)),
                () -> s.add(svc("ns4", "ext").clusterIP("172.30.0.44").externalIPs("192.168.99.11"),
                        ep("10.180.0.6", 80)),
                () -> s.add(svc("ns5", "empty").clusterIP("172.30.0.45")));
        if (reversed) {
            for (int i = adds.size() - 1; i >= 0; i--) {
                adds.get(i).run();
            }
        } else {
            adds.forEach(Runnable::run);
        }
        return s.build();
    }

    @Test
    void renderIsDeterministicAndMatchesGolden() throws Exception {
        IpvsBackend b = dumpBackend(TestConfigs.with("rr", List.of(), List.of(), List.of("10.0.0.0/8"), false));
        String first = b.render(mixed(false));

        assertThat(b.render(mixed(false))).isEqualTo(first);
        assertThat(b.render(mixed(true))).isEqualTo(first);
        assertThat(dumpBackend(TestConfigs.with("rr", List.of(), List.of(), List.of("10.0.0.0/8"), false))
                .render(mixed(true))).isEqualTo(first);
        Golden.assertMatches("mixed-ipv4", first);
    }

    @Test
    void dualStackRenderHasBothFamilies() throws Exception {
        ProxySnapshot s = Snap.create().nodeAddresses("192.168.0.2", "fd00:10::2")
                .add(svc("ns1", "dual").clusterIP("172.30.0.41", "fd00::41").nodePort(3001),
                        ep("10.180.0.1", 80), ep("fd00:180::1", 80))
                .build();
        String out = dumpBackend(TestConfigs.scheduler("mh")).render(s);
        Golden.assertMatches("dual-stack-mh", out);
        assertThat(out).contains("# ip6tables\n*nat\n").contains("add KUBE-6-CLUSTER-IP fd00::41,tcp:80\n");
    }

    @Test
    void emptySnapshotRendersTheFixedSkeleton() {
        String out = dumpBackend(TestConfigs.ipvs()).render(Snap.create().build());
        assertThat(out).startsWith("# virtual servers\n# kube-ipvs0 addresses\n# ipsets\ncreate KUBE-LOOP-BACK"
                + " hash:ip,port,ip family inet hashsize 1024 maxelem 65536\n");
        assertThat(out).contains("create KUBE-NODE-PORT-TCP bitmap:port range 0-65535\n")
                .contains("# iptables\n*nat\n").doesNotContain("ip6tables").doesNotContain("\nadd ");
    }
}
