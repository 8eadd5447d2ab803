package io.sluice.core.model;

import java.util.Optional;

/**
 * Address parsing and printing with kube-proxy's semantics, without any name resolution.
 *
 * <p>Parsing follows {@code k8s.io/utils/net.ParseIPSloppy}: IPv4 octets may have leading zeros and are read as decimal
 * ({@code "172.30.0.041"} is {@code 172.30.0.41}). Printing follows Go's {@code net.IP.String()}: dotted quad for IPv4
 * and IPv4-mapped IPv6, RFC 5952 compressed lower-case form for IPv6. Every string that leaves this class is made only
 * of hex digits, dots, colons and '/', so it is safe to place in an iptables, ipset or netlink message.
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** The canonical form of an address literal, or empty when it is not a valid IPv4/IPv6 literal. */
    public static Optional<String> canonical(String text) {
        byte[] b = parse(text);
        return b == null ? Optional.empty() : Optional.of(format(b));
    }

    /** Parses to 4 or 16 bytes (IPv4-mapped IPv6 collapses to 4), or returns null. */
    public static byte[] parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            byte[] v6 = parseV6(text);
            if (v6 == null) {
                return null;
            }
            if (isV4Mapped(v6)) {
                return new byte[] {v6[12], v6[13], v6[14], v6[15]};
            }
            return v6;
        }
        return parseV4(text);
    }

    private static byte[] parseV4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int i = 0;
        int n = s.length();
        while (part < 4) {
            if (i >= n) {
                return null;
            }
            int start = i;
            int v = 0;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                v = v * 10 + (s.charAt(i) - '0');
                if (v > 255 || i - start > 9) {
                    return null;
                }
                i++;
            }
            if (i == start) {
                return null;
            }
            out[part++] = (byte) v;
            if (part < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == n ? out : null;
    }

    private static byte[] parseV6(String s) {
        byte[] out = new byte[16];
        int ellipsis = -1;
        int i = 0;
        int n = s.length();
        if (n >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
            ellipsis = 0;
            i = 2;
            if (i == n) {
                return out;
            }
        }
        int j = 0;
        while (j < 16) {
            int start = i;
            int v = 0;
            while (i < n && hexValue(s.charAt(i)) >= 0) {
                v = v * 16 + hexValue(s.charAt(i));
                i++;
                if (i - start > 4) {
                    return null;
                }
            }
            if (i == start) {
                return null;
            }
            if (i < n && s.charAt(i) == '.') {
                // Embedded IPv4 tail.
                if (ellipsis < 0 && j != 12) {
                    return null;
                }
                if (j + 4 > 16) {
                    return null;
                }
                byte[] v4 = parseV4(s.substring(start));
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, j, 4);
                j += 4;
                i = n;
                break;
            }
            out[j] = (byte) (v >> 8);
            out[j + 1] = (byte) v;
            j += 2;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':' || i + 1 == n) {
                return null;
            }
            i++;
            if (s.charAt(i) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = j;
                i++;
                if (i == n) {
                    break;
                }
            }
        }
        if (i != n) {
            return null;
        }
        if (j < 16) {
            if (ellipsis < 0) {
                return null;
            }
            int shift = 16 - j;
            for (int k = j - 1; k >= ellipsis; k--) {
                out[k + shift] = out[k];
            }
            for (int k = ellipsis + shift - 1; k >= ellipsis; k--) {
                out[k] = 0;
            }
        } else if (ellipsis >= 0) {
            return null;
        }
        return out;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int k = 0; k < 10; k++) {
            if (b[k] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** Go's {@code net.IP.String()} for 4 or 16 bytes. */
    public static String format(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        if (b.length != 16) {
            throw new IllegalArgumentException("address must have 4 or 16 bytes");
        }
        // Longest run of zero groups, at least two groups long; the first one wins a tie (RFC 5952 4.2.3).
        int bestStart = -1;
        int bestLen = 0;
        for (int g = 0; g < 8; ) {
            if (group(b, g) == 0) {
                int start = g;
                while (g < 8 && group(b, g) == 0) {
                    g++;
                }
                if (g - start > bestLen) {
                    bestStart = start;
                    bestLen = g - start;
                }
            } else {
                g++;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(b, g)));
        }
        return sb.toString();
    }

    private static int group(byte[] b, int g) {
        return ((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff);
    }

    /** {@code net.JoinHostPort}: brackets around IPv6 literals. */
    public static String joinHostPort(String ip, int port) {
        return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    public static boolean isLoopback(String canonicalIp) {
        return canonicalIp.startsWith("127.") || canonicalIp.equals("::1");
    }
}
