package io.sluice.core.model;

import java.util.Objects;
import java.util.Set;

/**
 * One endpoint of one service port (kube-proxy's {@code BaseEndpointInfo}).
 *
 * <p>Conditions follow the EndpointSlice API defaults: an unset ready or serving condition means true, an unset
 * terminating condition means false. {@code zoneHints}/{@code nodeHints} are empty when the slice carries no hints.
 *
 * @param ip          canonical address literal
 * @param port        the EndpointSlice (target) port
 * @param nodeName    {@code endpoints[].nodeName}, "" when unset
 * @param zone        {@code endpoints[].zone}, "" when unset
 */
public record Endpoint(
        String ip,
        int port,
        boolean ready,
        boolean serving,
        boolean terminating,
        String nodeName,
        String zone,
        Set<String> zoneHints,
        Set<String> nodeHints) {

    public Endpoint {
        Objects.requireNonNull(ip, "ip");
        nodeName = nodeName == null ? "" : nodeName;
        zone = zone == null ? "" : zone;
        zoneHints = zoneHints == null ? Set.of() : Set.copyOf(zoneHints);
        nodeHints = nodeHints == null ? Set.of() : Set.copyOf(nodeHints);
    }

    /** A ready endpoint with no node, zone or hints: the common test case. */
    public static Endpoint ready(String ip, int port) {
        return new Endpoint(ip, port, true, true, false, "", "", Set.of(), Set.of());
    }

    public Endpoint withNodeName(String node) {
        return new Endpoint(ip, port, ready, serving, terminating, node, zone, zoneHints, nodeHints);
    }

    /** {@code net.JoinHostPort(ip, port)}: "10.0.0.1:80" or "[fd00::1]:80". Endpoint chains hash this string. */
    public String ipPort() {
        return IpAddresses.joinHostPort(ip, port);
    }

    /** kube-proxy: {@code nodeName != "" && endpoint.nodeName == nodeName}. */
    public boolean isLocal(String proxyNodeName) {
        return !nodeName.isEmpty() && nodeName.equals(proxyNodeName);
    }

    public IpFamily family() {
        return IpFamily.of(ip);
    }
}
