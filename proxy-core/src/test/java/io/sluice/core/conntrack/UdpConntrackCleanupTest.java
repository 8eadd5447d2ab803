package io.sluice.core.conntrack;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class UdpConntrackCleanupTest {
    static final ServicePortName DNS = ServicePortName.of("kube-system", "dns", "dns", Protocol.UDP);
    static final ServicePortName WEB = ServicePortName.of("ns", "web", "", Protocol.TCP);

    static ProxySnapshot snapshot(Map<ServicePortName, List<Endpoint>> eps) {
        TreeMap<ServicePortName, ServicePort> svcs = new TreeMap<>();
        svcs.put(DNS, new ServicePort(DNS, ServiceType.NodePort, List.of("10.96.0.10"), 53, 30053, List.of(),
                List.of(), List.of(), TrafficPolicy.Cluster, TrafficPolicy.Cluster, SessionAffinity.NONE, 0, ""));
        svcs.put(WEB, new ServicePort(WEB, ServiceType.ClusterIP, List.of("10.96.0.20"), 80, 0, List.of(),
                List.of(), List.of(), TrafficPolicy.Cluster, TrafficPolicy.Cluster, SessionAffinity.NONE, 0, ""));
        return new ProxySnapshot(svcs, new TreeMap<>(eps), NodeInfo.named("n"));
    }

    @Test
    void removedUdpEndpointsAndFirstEndpointsAreCleared() {
        ProxySnapshot none = snapshot(Map.of(WEB, List.of(Endpoint.ready("10.1.0.1", 80))));
        ProxySnapshot one = snapshot(Map.of(DNS, List.of(Endpoint.ready("10.1.0.5", 53)),
                WEB, List.of(Endpoint.ready("10.1.0.2", 80))));
        ProxySnapshot moved = snapshot(Map.of(DNS, List.of(Endpoint.ready("10.1.0.6", 53))));

        assertThat(UdpConntrackCleanup.staleEntries(none, one, IpFamily.IPv4)).containsExactly(
                List.of("-D", "-p", "udp", "--orig-dst", "10.96.0.10", "--orig-port-dst", "53"),
                List.of("-D", "-p", "udp", "--orig-port-dst", "30053"));
        assertThat(UdpConntrackCleanup.staleEntries(one, moved, IpFamily.IPv4)).containsExactly(
                List.of("-D", "-p", "udp", "--orig-dst", "10.96.0.10", "--orig-port-dst", "53", "--dst-nat", "10.1.0.5"),
                List.of("-D", "-p", "udp", "--orig-port-dst", "30053", "--dst-nat", "10.1.0.5"));
        assertThat(UdpConntrackCleanup.staleEntries(moved, moved, IpFamily.IPv4)).isEmpty();
        assertThat(UdpConntrackCleanup.staleEntries(null, one, IpFamily.IPv4)).isEmpty();
    }
}
