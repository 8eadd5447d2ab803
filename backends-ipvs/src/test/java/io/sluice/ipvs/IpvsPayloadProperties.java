package io.sluice.ipvs;

import io.sluice.core.model.IpFamily;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.ipvs.ipset.IpsetEntries;
import io.sluice.ipvs.ipset.IpsetSpec;
import io.sluice.ipvs.ipset.KubeIpsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Set;

import static io.sluice.ipvs.Snap.ep;
import static io.sluice.ipvs.Snap.svc;
import static org.assertj.core.api.Assertions.assertThat;

/** Whatever the object names, payloads only hold validated entries and fixed words, and rendering is stable. */
class IpvsPayloadProperties {

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40);
    }

    @Property(tries = 100)
    void namesNeverReachPayloads(@ForAll("names") String ns, @ForAll("names") String name,
                                 @ForAll("names") String port) {
        ProxySnapshot s = Snap.create()
                .add(new Snap.Svc("zz" + ns, "zz" + name, "zz" + port, Protocol.UDP).clusterIP("172.30.0.41")
                        .port(53).nodePort(3001).externalIPs("192.168.99.11").loadBalancer("1.2.3.4")
                        .sourceRanges("10.0.0.0/8").etpLocal(), ep("10.180.0.1", 53))
                .add(svc("ns", "plain").clusterIP("172.30.0.42"), ep("10.180.0.2", 80))
                .build();
        DesiredIpvsState d = new IpvsPlanner(TestConfigs.ipvs(), true).plan(s, IpFamily.IPv4,
                HostFacts.of(Set.of(Snap.NODE_IP)));

        for (DesiredIpvsState.DesiredIpset set : d.ipsets()) {
            IpsetSpec spec = set.spec();
            assertThat(KubeIpsets.byKernelName(spec.name())).isPresent();
            for (String en : set.entries()) {
                assertThat(IpsetEntries.isValid(spec.type(), IpFamily.IPv4, en)).as(en).isTrue();
            }
        }
        String payload = IpvsDiff.ipsetPayload(List.of(d), ObservedState.empty()) + d.iptables();
        assertThat(payload).doesNotContain("zz");
        assertThat(payload.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f))).isTrue();
    }

    @Property(tries = 20)
    void renderIsStable(@ForAll boolean reversed) {
        IpvsBackend a = new IpvsBackend(io.sluice.core.backend.BackendContext.forRendering(TestConfigs.ipvs(),
                io.sluice.core.backend.KernelAssumptions.DUMP_DEFAULTS), () -> {
                    throw new IpvsException("open", "kernel", 0, "not in dumps");
                });
        assertThat(a.render(IpvsBackendRenderTest.mixed(reversed))).isEqualTo(a.render(IpvsBackendRenderTest.mixed(false)));
    }
}
