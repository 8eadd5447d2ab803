package io.sluice.iptables.render;

import io.sluice.core.model.Cidr;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.ServicePort;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Defence in depth: the source layer validates objects, but nothing reaches an iptables-restore line unless it matches
 * a strict whitelist ({@code [A-Za-z0-9._:/\-\[\]]}, no spaces, no quotes, no {@code #}), so a value can never end a
 * comment, start a new option or a new line. Addresses must also be canonical literals of the renderer's family.
 * Stateless.
 */
final class SafeValues {
    static final Pattern WORD = Pattern.compile("[A-Za-z0-9._:/\\-\\[\\]]+");
    /**
     * The service-port name is embedded in comments with at most 55 fixed characters; xt_comment holds 255. Valid
     * Kubernetes names give at most 63 + 1 + 63 + 1 + 15 = 143 characters.
     */
    static final int MAX_NAME = 200;

    private SafeValues() {
    }

    /** null when every value of the port and its endpoints is safe; otherwise the reason (escaped). */
    static String check(ServicePort sp, List<Endpoint> endpoints, IpFamily family) {
        String n = sp.name().toString();
        if (n.length() > MAX_NAME || !WORD.matcher(n).matches()) {
            return "service port name " + escape(n) + " is not a safe iptables comment";
        }
        if (!port(sp.port(), false) || !port(sp.nodePort(), true) || !port(sp.healthCheckNodePort(), true)) {
            return "port out of range";
        }
        if (sp.affinity().timeoutSeconds() < 0) {
            return "negative session affinity timeout";
        }
        for (String ip : sp.clusterIPs()) {
            if (!address(ip, family)) {
                return "cluster IP " + escape(ip) + " is not a canonical " + family + " address";
            }
        }
        for (String ip : sp.externalIPs()) {
            if (!address(ip, family)) {
                return "external IP " + escape(ip) + " is not a canonical " + family + " address";
            }
        }
        for (String ip : sp.loadBalancerIPs()) {
            if (!address(ip, family)) {
                return "load balancer IP " + escape(ip) + " is not a canonical " + family + " address";
            }
        }
        for (String c : sp.loadBalancerSourceRanges()) {
            if (!cidr(c, family)) {
                return "source range " + escape(c) + " is not a canonical " + family + " CIDR";
            }
        }
        for (Endpoint ep : endpoints) {
            if (!address(ep.ip(), family) || !port(ep.port(), false)) {
                return "endpoint " + escape(ep.ip()) + " port " + ep.port() + " is not a canonical " + family
                        + " address and port";
            }
        }
        return null;
    }

    private static boolean port(int p, boolean zeroAllowed) {
        return (zeroAllowed && p == 0) || (p >= 1 && p <= 65535);
    }

    private static boolean address(String ip, IpFamily family) {
        return ip != null && WORD.matcher(ip).matches()
                && IpAddresses.canonical(ip).filter(c -> c.equals(ip) && IpFamily.of(c) == family).isPresent();
    }

    private static boolean cidr(String c, IpFamily family) {
        return c != null && WORD.matcher(c).matches()
                && Cidr.parse(c).filter(x -> x.toString().equals(c) && x.family() == family).isPresent();
    }

    /** For log lines: non-whitelisted characters as {@code \\uXXXX}, truncated. */
    static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char ch = s.charAt(i);
            if (WORD.matcher(String.valueOf(ch)).matches()) {
                sb.append(ch);
            } else {
                sb.append(String.format("\\u%04x", (int) ch));
            }
        }
        return sb.toString();
    }
}
