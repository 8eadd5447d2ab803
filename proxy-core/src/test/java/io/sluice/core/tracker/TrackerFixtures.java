package io.sluice.core.tracker;

import io.sluice.core.model.EndpointSliceObject;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ServiceObject;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.SliceEndpoint;
import io.sluice.core.model.SlicePort;
import io.sluice.core.model.TrafficPolicy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Model objects for tracker tests. */
final class TrackerFixtures {
    static final String NS = "ns";

    private TrackerFixtures() {
    }

    static NamespacedName svc(String name) {
        return new NamespacedName(NS, name);
    }

    static ServicePort port(String svc, String portName, int port, String clusterIP) {
        return new ServicePort(ServicePortName.of(NS, svc, portName, Protocol.TCP), ServiceType.ClusterIP,
                List.of(clusterIP), port, 0, List.of(), List.of(), List.of(), TrafficPolicy.Cluster,
                TrafficPolicy.Cluster, SessionAffinity.NONE, 0, "");
    }

    static ServiceObject service(String name, int... ports) {
        List<ServicePort> list = new ArrayList<>();
        for (int p : ports) {
            list.add(port(name, "p" + p, p, "172.30.0.1"));
        }
        return new ServiceObject(svc(name), list);
    }

    static SliceEndpoint ep(String ip) {
        return ep(ip, "");
    }

    static SliceEndpoint ep(String ip, String node) {
        return new SliceEndpoint(ip, true, true, false, node, "", Set.of(), Set.of());
    }

    static EndpointSliceObject slice(String name, String service, List<SlicePort> ports, SliceEndpoint... eps) {
        IpFamily family = eps.length > 0 && eps[0].ip().contains(":") ? IpFamily.IPv6 : IpFamily.IPv4;
        return new EndpointSliceObject(new NamespacedName(NS, name), service, family, ports, List.of(eps), null);
    }

    static EndpointSliceObject slice(String name, String service, int port, SliceEndpoint... eps) {
        return slice(name, service, List.of(new SlicePort("p" + port, port, Protocol.TCP)), eps);
    }

    static EndpointSliceObject withTriggerTime(EndpointSliceObject s, Instant t) {
        return new EndpointSliceObject(s.slice(), s.serviceName(), s.addressType(), s.ports(), s.endpoints(), t);
    }
}
