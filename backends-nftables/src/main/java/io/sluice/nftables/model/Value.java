package io.sluice.nftables.model;

import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.Protocol;

import java.util.Objects;

/**
 * A literal in a set element key, an anonymous set or a comparison: an address, a prefix, a protocol, a port, a small
 * integer or an interface name. Each kind validates itself, so its text can be spliced into nft syntax as is.
 */
public sealed interface Value permits Value.Addr, Value.Prefix, Value.Proto, Value.Port, Value.Int, Value.IfName {

    /** The nft literal. */
    String text();

    /** A canonical IPv4 or IPv6 address literal ({@code 10.0.0.1}, {@code fd00::1}). */
    record Addr(String ip) implements Value {
        public Addr {
            String canonical = IpAddresses.canonical(Objects.requireNonNull(ip, "ip")).orElse(null);
            if (canonical == null || !canonical.equals(ip)) {
                throw new IllegalArgumentException("not a canonical IP address: " + NftNames.printable(ip));
            }
        }

        @Override
        public String text() {
            return ip;
        }
    }

    /** A canonical network prefix ({@code 10.0.0.0/8}). */
    record Prefix(String cidr) implements Value {
        public Prefix {
            Cidr c = Cidr.parse(Objects.requireNonNull(cidr, "cidr")).orElse(null);
            if (c == null || !c.toString().equals(cidr)) {
                throw new IllegalArgumentException("not a canonical CIDR: " + NftNames.printable(cidr));
            }
        }

        @Override
        public String text() {
            return cidr;
        }
    }

    /** An L4 protocol, written lower case ({@code tcp}, {@code udp}, {@code sctp}). */
    record Proto(Protocol protocol) implements Value {
        public Proto {
            Objects.requireNonNull(protocol, "protocol");
        }

        @Override
        public String text() {
            return protocol.lower();
        }
    }

    /** A port, 0–65535, in decimal. */
    record Port(int port) implements Value {
        public Port {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        @Override
        public String text() {
            return Integer.toString(port);
        }
    }

    /** A non-negative integer (numgen map keys). */
    record Int(int value) implements Value {
        public Int {
            if (value < 0) {
                throw new IllegalArgumentException("negative integer: " + value);
            }
        }

        @Override
        public String text() {
            return Integer.toString(value);
        }
    }

    /** An interface name for {@code iif}, optionally a prefix ending in {@code *}. */
    record IfName(String name) implements Value {
        public IfName {
            NftNames.interfaceName(name);
        }

        @Override
        public String text() {
            return name;
        }
    }

    /** An address or a prefix, whichever {@code text} is (a bare address is a host route in an anonymous set). */
    static Value addrOrPrefix(String text) {
        return text.indexOf('/') >= 0 ? new Prefix(text) : new Addr(text);
    }
}
