package io.sluice.core.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * Identity of one Service port: {@code {namespace, name, portName, protocol}}, the key of kube-proxy's ServicePortMap.
 *
 * <p>{@link #toString()} is kube-proxy's {@code ServicePortName.String()}: {@code ns/name} followed by {@code :port} only
 * when the port name is non-empty. The protocol is not part of that string; hashes append {@link Protocol#lower()}.
 * Ordering is by that string, then protocol, so snapshots and dumps are deterministic.
 */
public record ServicePortName(NamespacedName service, String port, Protocol protocol) implements Comparable<ServicePortName> {
    private static final Comparator<ServicePortName> ORDER =
            Comparator.comparing(ServicePortName::toString).thenComparing(ServicePortName::protocol);

    public ServicePortName {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(protocol, "protocol");
        port = port == null ? "" : port;
    }

    public static ServicePortName of(String namespace, String name, String port, Protocol protocol) {
        return new ServicePortName(new NamespacedName(namespace, name), port, protocol);
    }

    @Override
    public String toString() {
        return port.isEmpty() ? service.toString() : service + ":" + port;
    }

    @Override
    public int compareTo(ServicePortName o) {
        return ORDER.compare(this, o);
    }
}
