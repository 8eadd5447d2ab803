package io.sluice.core.config;

import io.sluice.core.model.IpAddresses;

import java.util.Optional;

/**
 * A bind address {@code host:port} as kube-proxy's {@code metricsBindAddress} / {@code healthzBindAddress} take it:
 * an IP literal (IPv6 in brackets) and a port 0–65535. Port 0 picks a free port (tests).
 *
 * @param host the canonical IP literal, without brackets
 * @param port 0–65535
 */
public record HostPort(String host, int port) {

    /** Parses {@code "0.0.0.0:10256"}, {@code "[::1]:10249"}; empty when malformed. */
    public static Optional<HostPort> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return Optional.empty();
        }
        String host = s.substring(0, colon);
        String portText = s.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                return Optional.empty();
            }
        } else if (host.indexOf(':') >= 0) {
            return Optional.empty();
        }
        if (portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            return Optional.empty();
        }
        byte[] addr = IpAddresses.parse(host);
        if (addr == null) {
            return Optional.empty();
        }
        return Optional.of(new HostPort(IpAddresses.format(addr), port));
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
