package io.sluice.ipvs;

import io.sluice.core.model.IpAddresses;

import java.util.Comparator;

/**
 * An IPVS destination. Sluice always uses masquerade (NAT) forwarding, as kube-proxy does.
 *
 * @param weight       1 while serving, 0 while draining (graceful termination)
 * @param activeConns  read back from the kernel (0 in desired state)
 * @param inactiveConns read back from the kernel (0 in desired state)
 */
public record RealServer(String address, int port, int weight, int activeConns, int inactiveConns)
        implements Comparable<RealServer> {
    private static final Comparator<RealServer> ORDER =
            Comparator.comparing(RealServer::address).thenComparingInt(RealServer::port);

    public static RealServer of(String address, int port) {
        return new RealServer(address, port, 1, 0, 0);
    }

    public RealServer withWeight(int w) {
        return new RealServer(address, port, w, activeConns, inactiveConns);
    }

    /** kube-proxy's {@code RealServer.String()}: {@code ip:port}. */
    @Override
    public String toString() {
        return IpAddresses.joinHostPort(address, port);
    }

    @Override
    public int compareTo(RealServer o) {
        return ORDER.compare(this, o);
    }
}
