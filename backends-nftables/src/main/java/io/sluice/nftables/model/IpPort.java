package io.sluice.nftables.model;

/** A DNAT target: canonical address and port. */
public record IpPort(Value.Addr addr, Value.Port port) {
    public static IpPort of(String ip, int port) {
        return new IpPort(new Value.Addr(ip), new Value.Port(port));
    }

    /** {@code 10.0.0.1:80} or {@code [fd00::1]:80}, as {@code dnat to} takes it. */
    public String hostPort() {
        return addr.ip().indexOf(':') >= 0 ? "[" + addr.ip() + "]:" + port.port() : addr.ip() + ":" + port.port();
    }
}
