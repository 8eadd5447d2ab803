package io.sluice.ipvs.vm;

import java.util.Arrays;
import java.util.List;

/** Reads the VM kernel's IPVS, ipset, iptables and link state back through the standard tools (independent of Sluice). */
final class KernelState {
    private KernelState() {
    }

    /** Virtual-server lines of {@code ipvsadm -Ln} (e.g. {@code "TCP  10.96.0.10:80 rr"}). */
    static List<String> virtualServers() {
        return Arrays.stream(Sh.run("ipvsadm", "-Ln").split("\n"))
                .filter(l -> l.startsWith("TCP") || l.startsWith("UDP") || l.startsWith("SCTP")
                        || l.startsWith("FWM"))
                .map(String::strip).toList();
    }

    /** {@code ipvsadm -Ln} for one virtual server, e.g. {@code ("-t", "10.96.0.10:80")}: header and real servers. */
    static String virtualServer(String protocolFlag, String addressPort) {
        return Sh.run("ipvsadm", "-Ln", protocolFlag, addressPort);
    }

    /** Names of every ipset. */
    static List<String> ipsets() {
        return Arrays.stream(Sh.run("ipset", "list", "-n").split("\n")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    /** Chain declarations ({@code :NAME ...}) of every table, from iptables-save (nft) and iptables-legacy-save. */
    static List<String> iptablesChains() {
        StringBuilder all = new StringBuilder(Sh.run("iptables-save"));
        var legacy = Sh.attempt("iptables-legacy-save");
        if (legacy.ok()) {
            all.append(legacy.stdout());
        }
        return Arrays.stream(all.toString().split("\n")).filter(l -> l.startsWith(":"))
                .map(l -> l.substring(1).split(" ")[0]).toList();
    }

    /** Whether a network interface exists in the node namespace. */
    static boolean linkExists(String name) {
        return Sh.attempt("ip", "link", "show", "dev", name).ok();
    }

    /** Addresses on a link, e.g. {@code "10.96.0.10/32"}. */
    static String addresses(String link) {
        return Sh.run("ip", "-o", "-4", "addr", "show", "dev", link);
    }
}
