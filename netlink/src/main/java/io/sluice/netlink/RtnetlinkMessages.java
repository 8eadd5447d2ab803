package io.sluice.netlink;

import io.sluice.core.model.IpAddresses;

import java.util.Arrays;
import java.util.Optional;

/**
 * Pure encoding and decoding of the rtnetlink messages the dummy link needs, following what vishvananda/netlink
 * ({@code LinkAdd}, {@code AddrAdd}, {@code AddrDel}, {@code AddrList}, {@code LinkByName}) sends.
 */
public final class RtnetlinkMessages {
    private RtnetlinkMessages() {
    }

    /** A link as RTM_NEWLINK replies describe it. */
    public record LinkInfo(int index, String name, String kind) {
    }

    /** An address as RTM_NEWADDR replies describe it (canonical literal). */
    public record AddressInfo(int index, int family, int prefixLength, String address) {
    }

    /** RTM_GETLINK of one link by name (ifi_index 0, IFLA_IFNAME); ENODEV when it does not exist. */
    public static NetlinkMessageBuilder getLink(String name) {
        return new NetlinkMessageBuilder(Rtnetlink.RTM_GETLINK, 0)
                .header(Rtnetlink.ifinfomsg(Rtnetlink.AF_UNSPEC, 0))
                .string(Rtnetlink.IFLA_IFNAME, checkName(name));
    }

    /** RTM_NEWLINK create-exclusive of a dummy link, left down: IFLA_IFNAME, IFLA_LINKINFO{IFLA_INFO_KIND "dummy"}. */
    public static NetlinkMessageBuilder newDummyLink(String name) {
        return new NetlinkMessageBuilder(Rtnetlink.RTM_NEWLINK, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                .header(Rtnetlink.ifinfomsg(Rtnetlink.AF_UNSPEC, 0))
                .string(Rtnetlink.IFLA_IFNAME, checkName(name))
                .nested(Rtnetlink.IFLA_LINKINFO, w -> w.stringNoNul(Rtnetlink.IFLA_INFO_KIND, "dummy"));
    }

    /** RTM_DELLINK by index. */
    public static NetlinkMessageBuilder delLink(int index) {
        return new NetlinkMessageBuilder(Rtnetlink.RTM_DELLINK, 0)
                .header(Rtnetlink.ifinfomsg(Rtnetlink.AF_UNSPEC, index));
    }

    /** RTM_GETADDR dump of every address of every family (filtered by index on our side). */
    public static NetlinkMessageBuilder getAddresses() {
        return new NetlinkMessageBuilder(Rtnetlink.RTM_GETADDR, Netlink.NLM_F_DUMP)
                .header(Rtnetlink.ifaddrmsg(Rtnetlink.AF_UNSPEC, 0, 0, 0));
    }

    /** RTM_NEWADDR create-exclusive of a host address (/32 or /128) with IFA_LOCAL and IFA_ADDRESS. */
    public static NetlinkMessageBuilder newAddress(int index, String address) {
        return address(Rtnetlink.RTM_NEWADDR, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, index, address);
    }

    /** RTM_DELADDR of a host address. */
    public static NetlinkMessageBuilder delAddress(int index, String address) {
        return address(Rtnetlink.RTM_DELADDR, 0, index, address);
    }

    private static NetlinkMessageBuilder address(int type, int flags, int index, String address) {
        byte[] ip = IpAddresses.parse(address);
        if (ip == null) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        int family = ip.length == 4 ? Rtnetlink.AF_INET : Rtnetlink.AF_INET6;
        return new NetlinkMessageBuilder(type, flags)
                .header(Rtnetlink.ifaddrmsg(family, ip.length * 8, Rtnetlink.RT_SCOPE_UNIVERSE, index))
                .bytes(Rtnetlink.IFA_LOCAL, ip)
                .bytes(Rtnetlink.IFA_ADDRESS, ip);
    }

    /** Parses an RTM_NEWLINK reply. */
    public static LinkInfo parseLink(NetlinkMessage m) {
        ByteReader.check(m.payload(), 0, Rtnetlink.IFINFOMSG_LEN, "ifinfomsg");
        int index = ByteReader.u32(m.payload(), 4);
        Attributes a = m.attributes(Rtnetlink.IFINFOMSG_LEN);
        String name = a.find(Rtnetlink.IFLA_IFNAME).map(Attribute::string).orElse("");
        String kind = a.find(Rtnetlink.IFLA_LINKINFO)
                .flatMap(li -> li.nested().find(Rtnetlink.IFLA_INFO_KIND)).map(Attribute::string).orElse("");
        return new LinkInfo(index, name, kind);
    }

    /**
     * Parses an RTM_NEWADDR reply. The address is IFA_LOCAL when present (IPv4; IFA_ADDRESS is the peer on
     * point-to-point links), else IFA_ADDRESS (IPv6 sends only that). Empty for families other than IPv4/IPv6.
     */
    public static Optional<AddressInfo> parseAddress(NetlinkMessage m) {
        ByteReader.check(m.payload(), 0, Rtnetlink.IFADDRMSG_LEN, "ifaddrmsg");
        int family = ByteReader.u8(m.payload(), 0);
        int prefix = ByteReader.u8(m.payload(), 1);
        int index = ByteReader.u32(m.payload(), 4);
        int length = family == Rtnetlink.AF_INET ? 4 : family == Rtnetlink.AF_INET6 ? 16 : 0;
        if (length == 0) {
            return Optional.empty();
        }
        Attributes a = m.attributes(Rtnetlink.IFADDRMSG_LEN);
        Optional<Attribute> addr = a.find(Rtnetlink.IFA_LOCAL).or(() -> a.find(Rtnetlink.IFA_ADDRESS));
        if (addr.isEmpty()) {
            return Optional.empty();
        }
        byte[] v = addr.get().value();
        ByteReader.check(v, 0, length, "address");
        return Optional.of(new AddressInfo(index, family, prefix, IpAddresses.format(Arrays.copyOf(v, length))));
    }

    /** Interface names: 1..15 bytes (IFNAMSIZ 16 with NUL), no '/', ':' or whitespace (kernel dev_valid_name). */
    public static String checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 15 || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid interface name: " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("invalid interface name: " + name);
            }
        }
        return name;
    }
}
