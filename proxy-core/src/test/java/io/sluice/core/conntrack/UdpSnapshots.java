package io.sluice.core.conntrack;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A UDP NodePort service (kube-system/dns, 10.96.0.10:53, node port 30053) with the given endpoints: the fixture of the
 * backends' UDP conntrack cleanup tests.
 */
public final class UdpSnapshots {
    public static final ServicePortName DNS = ServicePortName.of("kube-system", "dns", "dns", Protocol.UDP);

    private UdpSnapshots() {
    }

    public static ProxySnapshot dns(String nodeName, Map<ServicePortName, List<Endpoint>> eps) {
        TreeMap<ServicePortName, ServicePort> svcs = new TreeMap<>();
        svcs.put(DNS, new ServicePort(DNS, ServiceType.NodePort, List.of("10.96.0.10"), 53, 30053, List.of(),
                List.of(), List.of(), TrafficPolicy.Cluster, TrafficPolicy.Cluster, SessionAffinity.NONE, 0, ""));
        return new ProxySnapshot(svcs, new TreeMap<>(eps), NodeInfo.named(nodeName));
    }
}
