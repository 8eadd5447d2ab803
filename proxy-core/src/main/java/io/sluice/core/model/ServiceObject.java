package io.sluice.core.model;

import java.util.List;

/**
 * A validated Service as the tracker sees it: its programmable ports. A Service that kube-proxy ignores (headless,
 * ExternalName, no cluster IP) is delivered with no ports, which removes any earlier state of it.
 */
public record ServiceObject(NamespacedName name, List<ServicePort> ports) {
    public ServiceObject {
        ports = List.copyOf(ports);
    }
}
