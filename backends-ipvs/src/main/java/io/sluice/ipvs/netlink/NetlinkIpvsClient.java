package io.sluice.ipvs.netlink;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.ipvs.IpvsClient;
import io.sluice.ipvs.IpvsException;
import io.sluice.ipvs.RealServer;
import io.sluice.ipvs.VirtualServer;
import io.sluice.netlink.Errno;
import io.sluice.netlink.GenericNetlink;
import io.sluice.netlink.MalformedNetlinkMessageException;
import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkException;
import io.sluice.netlink.NetlinkMessage;
import io.sluice.netlink.NetlinkMessageBuilder;
import io.sluice.netlink.NetlinkSocket;
import io.sluice.netlink.NetlinkTransport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@link IpvsClient} over the "IPVS" generic netlink family, with moby/ipvs's encoding ({@link IpvsMessages}).
 * Results of dumps are sorted (virtual servers by family, address, protocol, port; real servers by address, port).
 *
 * <p>Errors become {@link IpvsException} with the IPVS command as operation (e.g. {@code IPVS_CMD_NEW_SERVICE}), the
 * object in kube-proxy's notation ({@code 10.0.0.1:80/TCP}, {@code 10.0.0.1:80/TCP -> 10.1.0.5:8080}) and the kernel
 * errno (EEXIST 17 for a duplicate, ESRCH 3 or ENOENT 2 for a missing object).
 *
 * <p>Not thread-safe: the sync thread owns it. {@link #close()} closes the socket.
 */
public final class NetlinkIpvsClient implements IpvsClient {
    /** The message {@link #open} fails with when the kernel has no IPVS. */
    public static final String NOT_AVAILABLE = "IPVS not available";

    private final NetlinkTransport transport;
    private final int familyId;

    /** Uses an already resolved family id (tests pass a fake transport). */
    public NetlinkIpvsClient(NetlinkTransport transport, int familyId) {
        this.transport = transport;
        this.familyId = familyId;
    }

    /**
     * {@link #open(CommandRunner)} with a {@link ProcessCommandRunner}; the no-argument factory
     * {@code io.sluice.ipvs.KernelIpvs#netlink()} finds by reflection.
     */
    public static NetlinkIpvsClient open() throws IpvsException {
        return open(new ProcessCommandRunner());
    }

    /**
     * Runs {@code modprobe -va ip_vs} best-effort (as moby/ipvs does; its failure is only reported through the family
     * lookup), opens a generic netlink socket and resolves the "IPVS" family.
     *
     * @throws IpvsException naming {@value #NOT_AVAILABLE} when the kernel has no "IPVS" family (ENOENT)
     */
    public static NetlinkIpvsClient open(CommandRunner runner) throws IpvsException {
        runner.run(List.of("modprobe", "-va", "ip_vs"), "", Duration.ofSeconds(30));
        NetlinkSocket socket;
        try {
            socket = NetlinkSocket.open(Netlink.NETLINK_GENERIC);
        } catch (NetlinkException e) {
            throw wrap(e, "netlink", "generic netlink socket");
        }
        try {
            return new NetlinkIpvsClient(socket, resolveIpvsFamily(socket));
        } catch (IpvsException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Resolves "IPVS"; ENOENT becomes the clear {@value #NOT_AVAILABLE} error. */
    public static int resolveIpvsFamily(NetlinkTransport transport) throws IpvsException {
        try {
            return GenericNetlink.resolveFamily(transport, IpvsNetlink.FAMILY_NAME);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new IpvsException("CTRL_CMD_GETFAMILY", "IPVS", e.errno(), NOT_AVAILABLE
                        + ": the kernel has no generic netlink family \"IPVS\" (load the ip_vs module: modprobe ip_vs)");
            }
            throw wrap(e, "CTRL_CMD_GETFAMILY", "IPVS");
        }
    }

    public int familyId() {
        return familyId;
    }

    @Override
    public List<VirtualServer> virtualServers() throws IpvsException {
        List<VirtualServer> out = new ArrayList<>();
        for (NetlinkMessage m : call(IpvsMessages::getServices, "IPVS_CMD_GET_SERVICE", "all services")) {
            parse(() -> IpvsMessages.parseService(m), "IPVS_CMD_GET_SERVICE", "all services")
                    .ifPresent(p -> out.add(p.virtualServer()));
        }
        Collections.sort(out);
        return out;
    }

    @Override
    public void addVirtualServer(VirtualServer vs) throws IpvsException {
        call(f -> IpvsMessages.service(f, IpvsNetlink.CMD_NEW_SERVICE, vs), "IPVS_CMD_NEW_SERVICE", vs.toString());
    }

    @Override
    public void updateVirtualServer(VirtualServer vs) throws IpvsException {
        call(f -> IpvsMessages.service(f, IpvsNetlink.CMD_SET_SERVICE, vs), "IPVS_CMD_SET_SERVICE", vs.toString());
    }

    @Override
    public void deleteVirtualServer(VirtualServer.Key vs) throws IpvsException {
        call(f -> IpvsMessages.serviceKey(f, IpvsNetlink.CMD_DEL_SERVICE, vs), "IPVS_CMD_DEL_SERVICE", vs.toString());
    }

    /** The kernel's view of one virtual server (GET_SERVICE without dump); empty when it does not exist. */
    public Optional<VirtualServer> virtualServer(VirtualServer.Key vs) throws IpvsException {
        return getService(vs).map(IpvsMessages.ParsedService::virtualServer);
    }

    /** Counters of one virtual server. */
    public IpvsStats stats(VirtualServer.Key vs) throws IpvsException {
        return getService(vs).map(IpvsMessages.ParsedService::stats).orElseThrow(() -> new IpvsException(
                "IPVS_CMD_GET_SERVICE", vs.toString(), Errno.ESRCH, "no such virtual server"));
    }

    private Optional<IpvsMessages.ParsedService> getService(VirtualServer.Key vs) throws IpvsException {
        String op = "IPVS_CMD_GET_SERVICE";
        List<NetlinkMessage> replies;
        try {
            replies = transport.request(IpvsMessages.serviceKey(familyId, IpvsNetlink.CMD_GET_SERVICE, vs), op);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ESRCH || e.errno() == Errno.ENOENT) {
                return Optional.empty();
            }
            throw wrap(e, op, vs.toString());
        } catch (IllegalArgumentException e) {
            throw new IpvsException(op, vs.toString(), 0, e.getMessage());
        }
        for (NetlinkMessage m : replies) {
            Optional<IpvsMessages.ParsedService> p = parse(() -> IpvsMessages.parseService(m), op, vs.toString());
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    @Override
    public List<RealServer> realServers(VirtualServer.Key vs) throws IpvsException {
        String op = "IPVS_CMD_GET_DEST";
        int af = addressFamily(vs, op);
        List<RealServer> out = new ArrayList<>();
        for (NetlinkMessage m : call(f -> IpvsMessages.getDests(f, vs), op, vs.toString())) {
            out.add(parse(() -> IpvsMessages.parseDest(m, af), op, vs.toString()).realServer());
        }
        Collections.sort(out);
        return out;
    }

    @Override
    public void addRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException {
        call(f -> IpvsMessages.dest(f, IpvsNetlink.CMD_NEW_DEST, vs, rs), "IPVS_CMD_NEW_DEST", vs + " -> " + rs);
    }

    @Override
    public void updateRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException {
        call(f -> IpvsMessages.dest(f, IpvsNetlink.CMD_SET_DEST, vs, rs), "IPVS_CMD_SET_DEST", vs + " -> " + rs);
    }

    @Override
    public void deleteRealServer(VirtualServer.Key vs, RealServer rs) throws IpvsException {
        call(f -> IpvsMessages.dest(f, IpvsNetlink.CMD_DEL_DEST, vs, rs), "IPVS_CMD_DEL_DEST", vs + " -> " + rs);
    }

    @Override
    public void setTimeouts(int tcp, int tcpFin, int udp) throws IpvsException {
        call(f -> IpvsMessages.setConfig(f, tcp, tcpFin, udp), "IPVS_CMD_SET_CONFIG",
                "timeouts tcp=" + tcp + " tcpfin=" + tcpFin + " udp=" + udp);
    }

    /** IPVS_CMD_GET_CONFIG. */
    public IpvsTimeouts timeouts() throws IpvsException {
        String op = "IPVS_CMD_GET_CONFIG";
        for (NetlinkMessage m : call(IpvsMessages::getConfig, op, "timeouts")) {
            return parse(() -> IpvsMessages.parseConfig(m), op, "timeouts");
        }
        throw new IpvsException(op, "timeouts", 0, "empty reply");
    }

    /** IPVS_CMD_FLUSH: deletes every virtual server, including ones Sluice did not create. Cleanup only. */
    public void flush() throws IpvsException {
        call(IpvsMessages::flush, "IPVS_CMD_FLUSH", "all services");
    }

    @Override
    public void close() {
        transport.close();
    }

    private interface RequestFactory {
        NetlinkMessageBuilder build(int familyId);
    }

    private interface Parse<T> {
        T run();
    }

    private List<NetlinkMessage> call(RequestFactory factory, String op, String object) throws IpvsException {
        NetlinkMessageBuilder request;
        try {
            request = factory.build(familyId);
        } catch (IllegalArgumentException e) {
            // Bad input (an address that is not a literal, a port out of range) never reaches the kernel.
            throw new IpvsException(op, object, 0, "invalid request: " + e.getMessage());
        }
        try {
            return transport.request(request, op);
        } catch (NetlinkException e) {
            throw wrap(e, op, object);
        }
    }

    private static <T> T parse(Parse<T> p, String op, String object) throws IpvsException {
        try {
            return p.run();
        } catch (MalformedNetlinkMessageException e) {
            throw new IpvsException(op, object, 0, "malformed reply: " + e.getMessage());
        }
    }

    private static int addressFamily(VirtualServer.Key vs, String op) throws IpvsException {
        try {
            return IpvsMessages.addressFamily(vs.address());
        } catch (IllegalArgumentException e) {
            throw new IpvsException(op, vs.toString(), 0, "invalid request: " + e.getMessage());
        }
    }

    private static IpvsException wrap(NetlinkException e, String op, String object) {
        IpvsException x = new IpvsException(op, object, e.errno(),
                e.errno() != 0 ? Errno.describe(e.errno()) : e.getMessage());
        x.initCause(e);
        return x;
    }
}
