package io.sluice.core.model;

import java.util.Objects;

/**
 * Identity of one Service port: {@code {namespace, name, portName, protocol}}, the key of kube-proxy's ServicePortMap.
 *
 * <p>{@link #toString()} is kube-proxy's {@code ServicePortName.String()}: {@code ns/name} followed by {@code :port} only
 * when the port name is non-empty. The protocol is not part of that string; hashes append {@link Protocol#lower()}.
 * Ordering is by that string, then protocol, so snapshots and dumps are deterministic.
 */
public record ServicePortName(NamespacedName service, String port, Protocol protocol) implements Comparable<ServicePortName> {
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

    /**
     * Orders by {@link #toString()}, then protocol, without building the strings: snapshots of 10,000 services sort
     * these keys often, and allocating two strings per comparison dominated the cost.
     */
    @Override
    public int compareTo(ServicePortName o) {
        int n = length();
        int m = o.length();
        for (int i = 0, end = Math.min(n, m); i < end; i++) {
            char a = charAt(i);
            char b = o.charAt(i);
            if (a != b) {
                return a - b;
            }
        }
        return n != m ? n - m : protocol.compareTo(o.protocol);
    }

    /** Length of {@link #toString()}. */
    private int length() {
        int len = service.namespace().length() + 1 + service.name().length();
        return port.isEmpty() ? len : len + 1 + port.length();
    }

    /** Character {@code i} of {@link #toString()}. */
    private char charAt(int i) {
        String ns = service.namespace();
        if (i < ns.length()) {
            return ns.charAt(i);
        }
        i -= ns.length();
        if (i == 0) {
            return '/';
        }
        i--;
        String name = service.name();
        if (i < name.length()) {
            return name.charAt(i);
        }
        i -= name.length();
        return i == 0 ? ':' : port.charAt(i - 1);
    }
}
