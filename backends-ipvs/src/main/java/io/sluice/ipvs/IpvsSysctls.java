package io.sluice.ipvs;

import io.sluice.core.exec.Sysctl;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel parameters kube-proxy's IPVS mode sets at start ({@code NewProxier} in {@code pkg/proxy/ipvs/proxier.go},
 * each through {@code EnsureSysctl}: written only when different): {@code net/ipv4/vs/conntrack=1};
 * {@code net/ipv4/vs/conn_reuse_mode=0} only on kernels from 4.1 up to (not including) 5.9, where the reuse bug is
 * fixed (kubernetes issue 93297); {@code expire_nodest_conn=1}; {@code expire_quiescent_template=1};
 * {@code net/ipv4/ip_forward=1}; with strict ARP {@code arp_ignore=1} and {@code arp_announce=2}.
 */
public final class IpvsSysctls {
    static final String KERNEL_RELEASE = "kernel/osrelease";
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private IpvsSysctls() {
    }

    /** The settings for a kernel release (e.g. "6.1.0-18-amd64"; empty or unparsable leaves conn_reuse_mode alone). */
    public static Map<String, String> wanted(boolean strictArp, String kernelRelease) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("net/ipv4/vs/conntrack", "1");
        int[] v = parse(kernelRelease);
        if (v != null && compare(v, 4, 1) >= 0 && compare(v, 5, 9) < 0) {
            m.put("net/ipv4/vs/conn_reuse_mode", "0");
        }
        m.put("net/ipv4/vs/expire_nodest_conn", "1");
        m.put("net/ipv4/vs/expire_quiescent_template", "1");
        m.put("net/ipv4/ip_forward", "1");
        if (strictArp) {
            m.put("net/ipv4/conf/all/arp_ignore", "1");
            m.put("net/ipv4/conf/all/arp_announce", "2");
        }
        return m;
    }

    /** Writes every wanted value that differs from the current one. */
    public static void apply(Sysctl sysctl, boolean strictArp) throws IOException {
        String release = sysctl.get(KERNEL_RELEASE).orElse("");
        for (Map.Entry<String, String> e : wanted(strictArp, release).entrySet()) {
            Optional<String> cur = sysctl.get(e.getKey());
            if (cur.isEmpty() || !cur.get().equals(e.getValue())) {
                sysctl.set(e.getKey(), e.getValue());
            }
        }
    }

    private static int[] parse(String release) {
        Matcher m = VERSION.matcher(release == null ? "" : release.strip());
        if (!m.find()) {
            return null;
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static int compare(int[] v, int major, int minor) {
        return v[0] != major ? Integer.compare(v[0], major) : Integer.compare(v[1], minor);
    }
}
