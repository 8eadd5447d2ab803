package io.sluice.core.model;

import java.time.Instant;
import java.util.List;

/**
 * A validated EndpointSlice as the tracker sees it.
 *
 * @param slice                 namespace and slice name (the tracker's key)
 * @param serviceName           the {@code kubernetes.io/service-name} label
 * @param addressType           IPv4 or IPv6 (FQDN slices never get here)
 * @param lastChangeTriggerTime {@code endpoints.kubernetes.io/last-change-trigger-time}, or null
 */
public record EndpointSliceObject(NamespacedName slice, String serviceName, IpFamily addressType,
                                  List<SlicePort> ports, List<SliceEndpoint> endpoints,
                                  Instant lastChangeTriggerTime) {
    public EndpointSliceObject {
        ports = List.copyOf(ports);
        endpoints = List.copyOf(endpoints);
    }

    public NamespacedName service() {
        return new NamespacedName(slice.namespace(), serviceName);
    }
}
