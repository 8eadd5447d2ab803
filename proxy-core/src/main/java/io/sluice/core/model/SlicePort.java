package io.sluice.core.model;

/** One {@code ports[]} entry of an EndpointSlice that kube-proxy keeps (a name may be "", the port is 1..65535). */
public record SlicePort(String name, int port, Protocol protocol) {
    public SlicePort {
        name = name == null ? "" : name;
    }
}
