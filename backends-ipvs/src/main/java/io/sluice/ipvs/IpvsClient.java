package io.sluice.ipvs;

import java.util.List;

/**
 * The IPVS operations the proxier needs. The real implementation speaks generic netlink
 * ({@code io.sluice.ipvs.netlink.NetlinkIpvsClient}); tests use {@code FakeIpvs}.
 *
 * <p>Every method throws {@link IpvsException} naming the operation and the object when the kernel refuses it.
 * Not thread-safe: the sync thread owns it.
 */
public interface IpvsClient extends AutoCloseable {
    List<VirtualServer> virtualServers() throws IpvsException;

    void addVirtualServer(VirtualServer vs) throws IpvsException;

    /** Changes scheduler, flags and timeout of an existing virtual server. */
    void updateVirtualServer(VirtualServer vs) throws IpvsException;

    void deleteVirtualServer(VirtualServer.Key vs) throws IpvsException;

    List<RealServer> realServers(VirtualServer.Key vs) throws IpvsException;

    void addRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException;

    void updateRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException;

    void deleteRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException;

    /** IPVS_CMD_SET_CONFIG: tcp, tcpfin, udp timeouts in seconds; 0 leaves a value unchanged. */
    void setTimeouts(int tcp, int tcpFin, int udp) throws IpvsException;

    @Override
    default void close() {
    }
}
