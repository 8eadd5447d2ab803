package io.sluice.ipvs.ipset;

import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.Protocol;

import java.util.regex.Pattern;

/**
 * Builds and validates ipset entry strings in kube-proxy's formats ({@code pkg/proxy/ipvs/ipset/ipset.go}
 * {@code Entry.String()}): {@code hash:ip} → {@code IP}; {@code hash:ip,port} → {@code IP,proto:port};
 * {@code hash:ip,port,ip} → {@code IP,proto:port,IP2}; {@code hash:ip,port,net} → {@code IP,proto:port,CIDR};
 * {@code bitmap:port} → {@code port}. Protocols are lower case.
 *
 * <p>Entries are built only from canonical addresses, numeric ports and the protocol enum, so no user-controlled text
 * can reach the {@code ipset restore} payload; {@link #isValid} re-checks every entry with a strict pattern anyway
 * before it is written (defence in depth).
 */
public final class IpsetEntries {
    private static final Pattern ADDRESS_CHARS = Pattern.compile("[0-9a-f.:]{2,39}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern PROTO_PORT = Pattern.compile("(tcp|udp|sctp):[0-9]{1,5}");

    private IpsetEntries() {
    }

    public static String ip(String ip) {
        return ip;
    }

    public static String ipPort(String ip, Protocol protocol, int port) {
        return ip + "," + protocol.lower() + ":" + port;
    }

    public static String ipPortIp(String ip, Protocol protocol, int port, String ip2) {
        return ipPort(ip, protocol, port) + "," + ip2;
    }

    public static String ipPortNet(String ip, Protocol protocol, int port, String cidr) {
        return ipPort(ip, protocol, port) + "," + cidr;
    }

    public static String port(int port) {
        return Integer.toString(port);
    }

    /** True when {@code entry} is a well-formed entry of {@code type} whose addresses are canonical {@code family} literals. */
    public static boolean isValid(IpsetType type, IpFamily family, String entry) {
        if (entry == null || entry.isEmpty() || entry.length() > 100) {
            return false;
        }
        String[] p = entry.split(",", -1);
        return switch (type) {
            case HASH_IP -> p.length == 1 && address(p[0], family);
            case HASH_IP_PORT -> p.length == 2 && address(p[0], family) && protoPort(p[1]);
            case HASH_IP_PORT_IP -> p.length == 3 && address(p[0], family) && protoPort(p[1]) && address(p[2], family);
            case HASH_IP_PORT_NET -> p.length == 3 && address(p[0], family) && protoPort(p[1]) && cidr(p[2], family);
            case BITMAP_PORT -> p.length == 1 && port(p[0]);
        };
    }

    private static boolean address(String s, IpFamily family) {
        return ADDRESS_CHARS.matcher(s).matches()
                && IpAddresses.canonical(s).filter(c -> c.equals(s) && IpFamily.of(c) == family).isPresent();
    }

    private static boolean port(String s) {
        if (!PORT.matcher(s).matches()) {
            return false;
        }
        int v = Integer.parseInt(s);
        return v >= 0 && v <= 65535;
    }

    private static boolean protoPort(String s) {
        return PROTO_PORT.matcher(s).matches() && port(s.substring(s.indexOf(':') + 1));
    }

    private static boolean cidr(String s, IpFamily family) {
        int slash = s.indexOf('/');
        if (slash < 0 || !ADDRESS_CHARS.matcher(s.substring(0, slash)).matches()
                || !s.substring(slash + 1).matches("[0-9]{1,3}")) {
            return false;
        }
        return Cidr.parse(s).filter(c -> c.toString().equals(s) && c.family() == family).isPresent();
    }
}
