package io.sluice.ipvs.netlink;

import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.Protocol;
import io.sluice.ipvs.RealServer;
import io.sluice.ipvs.VirtualServer;
import io.sluice.netlink.Attribute;
import io.sluice.netlink.AttributeWriter;
import io.sluice.netlink.Attributes;
import io.sluice.netlink.ByteReader;
import io.sluice.netlink.MalformedNetlinkMessageException;
import io.sluice.netlink.Netlink;
import io.sluice.netlink.NetlinkMessage;
import io.sluice.netlink.NetlinkMessageBuilder;

import java.util.Arrays;
import java.util.Optional;

/**
 * Pure encoding and decoding of IPVS generic netlink messages, byte-compatible with moby/ipvs (what kube-proxy uses):
 * <ul>
 *   <li>service attributes in moby's order: AF, PROTOCOL, ADDR, PORT, SCHED_NAME, FLAGS {flags, mask 0xFFFFFFFF},
 *       TIMEOUT, NETMASK (0xFFFFFFFF for IPv4, 128 for IPv6, as kube-proxy sets it);</li>
 *   <li>destination attributes: ADDR, PORT, FWD_METHOD (masquerade 0), WEIGHT, U_THRESH, L_THRESH;</li>
 *   <li>host byte order except ports (big-endian), IPv4 addresses as 4 bytes, nested without NLA_F_NESTED.</li>
 * </ul>
 * Requests that only identify a virtual server (DEL_SERVICE, the SERVICE part of DEST commands, GET) carry AF,
 * PROTOCOL, ADDR, PORT: the kernel's {@code ip_vs_genl_parse_service} reads only those unless the command is
 * NEW_SERVICE or SET_SERVICE.
 */
public final class IpvsMessages {
    private IpvsMessages() {
    }

    /** NEW_SERVICE or SET_SERVICE with every attribute. */
    public static NetlinkMessageBuilder service(int familyId, int cmd, VirtualServer vs) {
        byte[] addr = address(vs.address());
        return request(familyId, cmd, 0).nested(IpvsNetlink.CMD_ATTR_SERVICE, w -> {
            serviceKey(w, addr, vs.protocol(), vs.port());
            w.string(IpvsNetlink.SVC_ATTR_SCHED_NAME, vs.scheduler());
            w.bytes(IpvsNetlink.SVC_ATTR_FLAGS, flags(vs.flags() & ~VirtualServer.FLAG_HASHED, 0xFFFFFFFF));
            w.u32(IpvsNetlink.SVC_ATTR_TIMEOUT, vs.timeout());
            w.u32(IpvsNetlink.SVC_ATTR_NETMASK, addr.length == 4 ? 0xFFFFFFFF : 128);
        });
    }

    /** A command that names one virtual server only (DEL_SERVICE, GET_SERVICE of one). */
    public static NetlinkMessageBuilder serviceKey(int familyId, int cmd, VirtualServer.Key key) {
        byte[] addr = address(key.address());
        return request(familyId, cmd, 0)
                .nested(IpvsNetlink.CMD_ATTR_SERVICE, w -> serviceKey(w, addr, key.protocol(), key.port()));
    }

    /** NEW_DEST, SET_DEST or DEL_DEST of {@code rs} in virtual server {@code key}. */
    public static NetlinkMessageBuilder dest(int familyId, int cmd, VirtualServer.Key key, RealServer rs) {
        byte[] vip = address(key.address());
        byte[] rip = address(rs.address());
        checkPort(rs.port());
        if (rs.weight() < 0) {
            throw new IllegalArgumentException("negative weight " + rs.weight());
        }
        return request(familyId, cmd, 0)
                .nested(IpvsNetlink.CMD_ATTR_SERVICE, w -> serviceKey(w, vip, key.protocol(), key.port()))
                .nested(IpvsNetlink.CMD_ATTR_DEST, w -> {
                    w.bytes(IpvsNetlink.DEST_ATTR_ADDR, rip);
                    w.u16be(IpvsNetlink.DEST_ATTR_PORT, rs.port());
                    w.u32(IpvsNetlink.DEST_ATTR_FWD_METHOD, IpvsNetlink.FWD_MASQUERADE & IpvsNetlink.FWD_MASK);
                    w.u32(IpvsNetlink.DEST_ATTR_WEIGHT, rs.weight());
                    w.u32(IpvsNetlink.DEST_ATTR_U_THRESH, 0);
                    w.u32(IpvsNetlink.DEST_ATTR_L_THRESH, 0);
                });
    }

    /** GET_SERVICE dump of every service: NLM_F_DUMP and an empty SERVICE attribute, as moby sends it. */
    public static NetlinkMessageBuilder getServices(int familyId) {
        return request(familyId, IpvsNetlink.CMD_GET_SERVICE, Netlink.NLM_F_DUMP)
                .nested(IpvsNetlink.CMD_ATTR_SERVICE, w -> { });
    }

    /** GET_DEST dump of the destinations of one service. */
    public static NetlinkMessageBuilder getDests(int familyId, VirtualServer.Key key) {
        byte[] addr = address(key.address());
        return request(familyId, IpvsNetlink.CMD_GET_DEST, Netlink.NLM_F_DUMP)
                .nested(IpvsNetlink.CMD_ATTR_SERVICE, w -> serviceKey(w, addr, key.protocol(), key.port()));
    }

    /** SET_CONFIG: all three timeouts, 0 meaning "leave unchanged" (kernel {@code ip_vs_set_timeout}). */
    public static NetlinkMessageBuilder setConfig(int familyId, int tcp, int tcpFin, int udp) {
        if (tcp < 0 || tcpFin < 0 || udp < 0) {
            throw new IllegalArgumentException("negative timeout");
        }
        return request(familyId, IpvsNetlink.CMD_SET_CONFIG, 0)
                .u32(IpvsNetlink.CMD_ATTR_TIMEOUT_TCP, tcp)
                .u32(IpvsNetlink.CMD_ATTR_TIMEOUT_TCP_FIN, tcpFin)
                .u32(IpvsNetlink.CMD_ATTR_TIMEOUT_UDP, udp);
    }

    public static NetlinkMessageBuilder getConfig(int familyId) {
        return request(familyId, IpvsNetlink.CMD_GET_CONFIG, 0);
    }

    /** FLUSH: no attributes; removes every virtual server (cleanup only). */
    public static NetlinkMessageBuilder flush(int familyId) {
        return request(familyId, IpvsNetlink.CMD_FLUSH, 0);
    }

    /** A service from a GET_SERVICE reply, with its counters. */
    public record ParsedService(VirtualServer virtualServer, IpvsStats stats) {
    }

    /** A destination from a GET_DEST reply, with its counters. */
    public record ParsedDest(RealServer realServer, IpvsStats stats) {
    }

    /**
     * Parses one GET_SERVICE reply. Empty for services Sluice cannot represent and never creates (firewall-mark
     * services, protocols other than TCP/UDP/SCTP): they are left alone.
     *
     * @throws MalformedNetlinkMessageException when required attributes are missing or too short
     */
    public static Optional<ParsedService> parseService(NetlinkMessage m) {
        Attributes s = m.genlAttributes().require(IpvsNetlink.CMD_ATTR_SERVICE, "IPVS_CMD_ATTR_SERVICE").nested();
        if (s.find(IpvsNetlink.SVC_ATTR_FWMARK).map(Attribute::u32).orElse(0) != 0) {
            return Optional.empty();
        }
        int af = s.require(IpvsNetlink.SVC_ATTR_AF, "IPVS_SVC_ATTR_AF").u16();
        Optional<Protocol> protocol = protocol(s.require(IpvsNetlink.SVC_ATTR_PROTOCOL, "IPVS_SVC_ATTR_PROTOCOL").u16());
        if (protocol.isEmpty()) {
            return Optional.empty();
        }
        String address = parseAddress(af, s.require(IpvsNetlink.SVC_ATTR_ADDR, "IPVS_SVC_ATTR_ADDR").value());
        int port = s.require(IpvsNetlink.SVC_ATTR_PORT, "IPVS_SVC_ATTR_PORT").u16be();
        String sched = s.find(IpvsNetlink.SVC_ATTR_SCHED_NAME).map(Attribute::string).orElse("");
        // struct ip_vs_flags {flags; mask}: the kernel sets HASHED (0x2) on every listed service; strip it as
        // kube-proxy's toVirtualServer does.
        int flags = s.find(IpvsNetlink.SVC_ATTR_FLAGS).map(Attribute::u32).orElse(0) & ~VirtualServer.FLAG_HASHED;
        int timeout = s.find(IpvsNetlink.SVC_ATTR_TIMEOUT).map(Attribute::u32).orElse(0);
        return Optional.of(new ParsedService(new VirtualServer(address, protocol.get(), port, sched, flags, timeout),
                stats(s, IpvsNetlink.SVC_ATTR_STATS64, IpvsNetlink.SVC_ATTR_STATS)));
    }

    /**
     * Parses one GET_DEST reply. The address family comes from DEST_ATTR_ADDR_FAMILY, or from the service when the
     * kernel does not send it (before 3.18).
     */
    public static ParsedDest parseDest(NetlinkMessage m, int serviceAf) {
        Attributes d = m.genlAttributes().require(IpvsNetlink.CMD_ATTR_DEST, "IPVS_CMD_ATTR_DEST").nested();
        int af = d.find(IpvsNetlink.DEST_ATTR_ADDR_FAMILY).map(Attribute::u16).orElse(serviceAf);
        String address = parseAddress(af, d.require(IpvsNetlink.DEST_ATTR_ADDR, "IPVS_DEST_ATTR_ADDR").value());
        int port = d.require(IpvsNetlink.DEST_ATTR_PORT, "IPVS_DEST_ATTR_PORT").u16be();
        int weight = d.find(IpvsNetlink.DEST_ATTR_WEIGHT).map(Attribute::u32).orElse(0);
        int active = d.find(IpvsNetlink.DEST_ATTR_ACTIVE_CONNS).map(Attribute::u32).orElse(0);
        int inactive = d.find(IpvsNetlink.DEST_ATTR_INACT_CONNS).map(Attribute::u32).orElse(0);
        return new ParsedDest(new RealServer(address, port, weight, active, inactive),
                stats(d, IpvsNetlink.DEST_ATTR_STATS64, IpvsNetlink.DEST_ATTR_STATS));
    }

    /** Parses a GET_CONFIG reply. */
    public static IpvsTimeouts parseConfig(NetlinkMessage m) {
        Attributes a = m.genlAttributes();
        return new IpvsTimeouts(a.find(IpvsNetlink.CMD_ATTR_TIMEOUT_TCP).map(Attribute::u32).orElse(0),
                a.find(IpvsNetlink.CMD_ATTR_TIMEOUT_TCP_FIN).map(Attribute::u32).orElse(0),
                a.find(IpvsNetlink.CMD_ATTR_TIMEOUT_UDP).map(Attribute::u32).orElse(0));
    }

    /** AF_INET or AF_INET6 for an address literal (what the kernel calls the service's af). */
    public static int addressFamily(String address) {
        return address(address).length == 4 ? IpvsNetlink.AF_INET : IpvsNetlink.AF_INET6;
    }

    private static IpvsStats stats(Attributes a, int stats64, int stats32) {
        Optional<Attribute> s = a.find(stats64).or(() -> a.find(stats32));
        return s.map(x -> IpvsStats.parse(x.nested())).orElse(IpvsStats.ZERO);
    }

    private static NetlinkMessageBuilder request(int familyId, int cmd, int flags) {
        return new NetlinkMessageBuilder(familyId, flags).genlHeader(cmd, IpvsNetlink.GENL_VERSION);
    }

    private static void serviceKey(AttributeWriter w, byte[] addr, Protocol protocol, int port) {
        checkPort(port);
        w.u16(IpvsNetlink.SVC_ATTR_AF, addr.length == 4 ? IpvsNetlink.AF_INET : IpvsNetlink.AF_INET6);
        w.u16(IpvsNetlink.SVC_ATTR_PROTOCOL, protocol.ianaNumber());
        w.bytes(IpvsNetlink.SVC_ATTR_ADDR, addr);
        w.u16be(IpvsNetlink.SVC_ATTR_PORT, port);
    }

    private static byte[] flags(int flags, int mask) {
        byte[] b = new byte[8];
        NetlinkMessageBuilder.putU32(b, 0, flags);
        NetlinkMessageBuilder.putU32(b, 4, mask);
        return b;
    }

    /** 4 bytes for IPv4 (moby's {@code ip.To4()}), 16 for IPv6. */
    static byte[] address(String literal) {
        byte[] b = IpAddresses.parse(literal);
        if (b == null) {
            throw new IllegalArgumentException("not an IP address: " + literal);
        }
        return b;
    }

    /** Kernel replies carry a 16-byte union nf_inet_addr; IPv4 sits in the first 4 bytes. */
    static String parseAddress(int af, byte[] value) {
        if (af == IpvsNetlink.AF_INET) {
            ByteReader.check(value, 0, 4, "IPv4 address");
            return IpAddresses.format(Arrays.copyOf(value, 4));
        }
        if (af == IpvsNetlink.AF_INET6) {
            ByteReader.check(value, 0, 16, "IPv6 address");
            return IpAddresses.format(Arrays.copyOf(value, 16));
        }
        throw new MalformedNetlinkMessageException("unknown address family " + af);
    }

    private static Optional<Protocol> protocol(int number) {
        for (Protocol p : Protocol.values()) {
            if (p.ianaNumber() == number) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
