package io.sluice.core.model;

import java.util.Set;

/**
 * One {@code endpoints[]} entry of an EndpointSlice: only {@code addresses[0]} is used (canonical), conditions are
 * already defaulted (unset ready/serving = true, unset terminating = false).
 */
public record SliceEndpoint(String ip, boolean ready, boolean serving, boolean terminating, String nodeName,
                            String zone, Set<String> zoneHints, Set<String> nodeHints) {

    public Endpoint toEndpoint(int port) {
        return new Endpoint(ip, port, ready, serving, terminating, nodeName, zone, zoneHints, nodeHints);
    }
}
