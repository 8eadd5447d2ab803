package io.sluice.ipvs.ipset;

import io.sluice.core.model.IpFamily;

import java.util.Objects;

/**
 * One kube-proxy ipset for one family: its (family-specific) name, type and comment.
 *
 * @param baseName the IPv4 name, e.g. {@code KUBE-CLUSTER-IP}
 * @param name     the name used in the kernel: the base name for IPv4, {@code KUBE-6-...} (at most 31 characters)
 *                 for IPv6, as kube-proxy's {@code NewIPSet} renames it
 * @param comment  the set comment, used (in double quotes) as the iptables rule comment
 */
public record IpsetSpec(String baseName, String name, IpsetType type, IpFamily family, String comment) {
    /** Longest ipset name the kernel accepts (IPSET_MAXNAMELEN - 1). */
    public static final int MAX_NAME_LENGTH = 31;

    public IpsetSpec {
        Objects.requireNonNull(baseName, "baseName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(family, "family");
    }

    /** kube-proxy: IPv6 sets replace the first "KUBE-" by "KUBE-6-" and truncate to 31 characters. */
    public static String familyName(String baseName, IpFamily family) {
        if (family == IpFamily.IPv4 || !baseName.startsWith("KUBE-")) {
            return baseName;
        }
        String n = "KUBE-6-" + baseName.substring("KUBE-".length());
        return n.length() > MAX_NAME_LENGTH ? n.substring(0, MAX_NAME_LENGTH) : n;
    }

    /**
     * The {@code create} line of an {@code ipset restore} payload, with kube-proxy's options: hash types get
     * {@code family inet|inet6 hashsize 1024 maxelem 65536}, {@code bitmap:port} gets {@code range 0-65535}.
     */
    public String createLine() {
        if (type == IpsetType.BITMAP_PORT) {
            return "create " + name + " " + type.text() + " range 0-65535";
        }
        return "create " + name + " " + type.text() + " family " + (family == IpFamily.IPv4 ? "inet" : "inet6")
                + " hashsize 1024 maxelem 65536";
    }

    /** The comment wrapped in literal double quotes, as kube-proxy's {@code getComment()} writes it into rules. */
    public String quotedComment() {
        return "\"" + comment + "\"";
    }
}
