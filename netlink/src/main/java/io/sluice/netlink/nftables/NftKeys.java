package io.sluice.netlink.nftables;

import io.sluice.core.model.IpAddresses;

import java.io.ByteArrayOutputStream;

/**
 * Packs set keys and compare data the way nft lays them out in registers: addresses and ports in network order,
 * protocols as one byte, every field of a concatenation padded with zeros to a multiple of 4 bytes
 * (nft src/netlink.c netlink_gen_concat_data; e.g. {@code 172.30.0.41 . tcp . 80} is
 * {@code ac1e0029 06000000 00500000}).
 */
public final class NftKeys {
    private NftKeys() {
    }

    /** The 4 or 16 bytes of an IP address literal. */
    public static byte[] address(String literal) {
        byte[] b = IpAddresses.parse(literal);
        if (b == null) {
            throw new IllegalArgumentException("not an IP address: " + literal);
        }
        return b;
    }

    /** A port in network order (2 bytes). */
    public static byte[] port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        return new byte[] {(byte) (port >>> 8), (byte) port};
    }

    /** An IP protocol number (1 byte). */
    public static byte[] protocol(int number) {
        if (number < 0 || number > 255) {
            throw new IllegalArgumentException("protocol " + number);
        }
        return new byte[] {(byte) number};
    }

    /** A 32-bit integer in host order, as nft stores {@code integer}/{@code mark} constants and numgen keys. */
    public static byte[] hostU32(int value) {
        byte[] b = new byte[4];
        io.sluice.netlink.NetlinkMessageBuilder.putU32(b, 0, value);
        return b;
    }

    /** The fields of a concatenation, each padded to 4 bytes. */
    public static byte[] concat(byte[]... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : fields) {
            out.writeBytes(f);
            for (int pad = (4 - f.length % 4) % 4; pad > 0; pad--) {
                out.write(0);
            }
        }
        return out.toByteArray();
    }

    /** The NFTA_SET_KEY_TYPE of a concatenation: the field datatype ids, 6 bits each, first field highest. */
    public static int concatType(int... types) {
        int t = 0;
        for (int type : types) {
            t = t << NfTables.TYPE_BITS | type;
        }
        return t;
    }
}
