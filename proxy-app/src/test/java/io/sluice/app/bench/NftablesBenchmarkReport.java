package io.sluice.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats {@link NftablesBenchmarkDriver}'s outcomes as the "## nftables" section of docs/benchmarks.md. */
final class NftablesBenchmarkReport {
    static final String HEADING = "## nftables";

    private NftablesBenchmarkReport() {
    }

    static String section(String date, String machine, List<int[]> sizes, int nftCap, int latencySmall,
                          Map<String, NftablesBenchmarkDriver.Outcome> r) {
        List<String> out = new ArrayList<>();
        out.add(HEADING);
        out.add("");
        out.add("Measured " + date + " with `scripts/bench-nftables.sh` (`io.sluice.app.bench.NftablesBenchmarkDriver`),"
                + " one run, on: " + machine + ".");
        out.add("Input: `SyntheticCluster.generate(SERVICES, ENDPOINTS, seed 1)` (about 70% ClusterIP, 20% NodePort, 10%"
                + " LoadBalancer, 5% UDP; node ports run out above 2,768 services, later ones stay ClusterIP) plus one"
                + " probe ClusterIP Service (`zz-bench/last`, sorted after every other, so iptables mode matches it"
                + " last) whose endpoint is a real listener. IPv4, cluster CIDR 10.128.0.0/9. Every case runs in a fresh"
                + " network namespace with its own JVM, through the backend SPI (`ProxyBackend.sync`, rendering"
                + " included): a full sync from empty, then five partial syncs that each move one endpoint of one"
                + " Service (median shown). Transaction sizes are what `nft -f -` or `iptables-*-restore` received"
                + " (logged by PATH shims). iptables-legacy and iptables-nft are Sluice's iptables backend with that"
                + " variant; iptables-nft runs only up to " + String.format(Locale.ROOT, "%,d", nftCap)
                + " services because its restore grows faster than linearly with the ruleset (see the iptables"
                + " section: 1,000 × 10 in 5.7 s, 2,000 × 10 in 26 s).");
        out.add("");
        out.add("| sync | cluster | nftables | iptables-legacy | iptables-nft | iptables-legacy / nftables |");
        out.add("|---|---|---|---|---|---|");
        for (String kind : List.of("full", "partial")) {
            for (int[] s : sizes) {
                String size = String.format(Locale.ROOT, "%,d × %d", s[0], s[1]);
                var nft = r.get("nftables@" + s[0] + "x" + s[1]);
                var legacy = r.get("iptables-legacy@" + s[0] + "x" + s[1]);
                var inft = r.get("iptables-nft@" + s[0] + "x" + s[1]);
                out.add("| " + kind + " | " + size + " | " + cell(nft, kind) + " | " + cell(legacy, kind) + " | "
                        + cell(inft, kind) + " | " + ratio(legacy, nft, kind + "_ms") + " |");
            }
        }
        out.add("");
        out.add("Each cell: wall time of the sync; then the transaction(s) sent (lines, bytes) and the time the tool"
                + " itself took. A partial sync of the nftables backend sends only the changed Service's chain and the"
                + " element changes; iptables-legacy replaces the whole nat table in the kernel even for a small"
                + " payload.");
        out.add("");
        out.add("| first-packet latency to the last service (TCP connect from the node, median / p90) | nftables |"
                + " iptables-legacy | iptables-legacy / nftables |");
        out.add("|---|---|---|---|");
        List<int[]> latencySizes = new ArrayList<>();
        latencySizes.add(new int[] {latencySmall, sizes.get(sizes.size() - 1)[1]});
        latencySizes.addAll(sizes);
        for (int[] s : latencySizes) {
            var nft = r.get("nftables@" + s[0] + "x" + s[1]);
            var legacy = r.get("iptables-legacy@" + s[0] + "x" + s[1]);
            out.add(String.format(Locale.ROOT, "| %,d services × %d | %s | %s | %s |", s[0], s[1], latency(nft),
                    latency(legacy), ratio(legacy, nft, "connect_median_us")));
        }
        int[] big = sizes.get(sizes.size() - 1);
        String smallKey = "@" + latencySmall + "x" + big[1];
        String bigKey = "@" + big[0] + "x" + big[1];
        out.add(String.format(Locale.ROOT, "| ratio %,d / %d services | %s | %s | |", big[0], latencySmall,
                ratio(r.get("nftables" + bigKey), r.get("nftables" + smallKey), "connect_median_us"),
                ratio(r.get("iptables-legacy" + bigKey), r.get("iptables-legacy" + smallKey), "connect_median_us")));
        out.add("");
        out.add("Each connect is a new flow, so its SYN goes through the NAT hooks: iptables mode walks KUBE-SERVICES"
                + " one rule per service port until it reaches the probe's; nftables mode does one lookup in the"
                + " `service-ips` verdict map whatever the number of services. Later packets of a flow follow"
                + " conntrack in both modes. The connect time includes the veth round trip and the listener's"
                + " accept, which do not depend on the ruleset.");
        return String.join("\n", out) + "\n";
    }

    private static String cell(NftablesBenchmarkDriver.Outcome o, String kind) {
        if (o == null) {
            return "not run";
        }
        if (o.failure() != null) {
            return o.failure().length() > 160 ? o.failure().substring(0, 160) + "…" : o.failure();
        }
        StringBuilder sb = new StringBuilder(fmtMs(o.get(kind + "_ms")));
        String tx = o.get(kind + "_tx");
        if (!tx.isEmpty() && !tx.equals("none")) {
            List<String> parts = new ArrayList<>();
            for (String t : tx.split(",")) {
                String[] f = t.split(":");
                if (f.length >= 4) {
                    parts.add(String.format(Locale.ROOT, "%s %,d lines, %s, tool %s ms%s", f[0],
                            Long.parseLong(f[1]), bytes(Long.parseLong(f[2])), f[3],
                            f.length > 4 && !f[4].equals("0") ? " (exit " + f[4] + ")" : ""));
                }
            }
            sb.append(" (").append(String.join("; ", parts)).append(')');
        } else if (tx.equals("none")) {
            sb.append(" (nothing sent)");
        }
        if (kind.equals("partial") && "false".equals(o.get("partial_was_partial"))) {
            sb.append(", the backend did a full sync");
        }
        return sb.toString();
    }

    private static String latency(NftablesBenchmarkDriver.Outcome o) {
        if (o == null || o.failure() != null) {
            return o == null ? "not run" : "not measured";
        }
        return o.get("connect_median_us") + " µs / " + o.get("connect_p90_us") + " µs";
    }

    private static String ratio(NftablesBenchmarkDriver.Outcome num, NftablesBenchmarkDriver.Outcome den, String key) {
        if (num == null || den == null || num.failure() != null || den.failure() != null) {
            return "";
        }
        double a = Double.parseDouble(num.get(key));
        double b = Double.parseDouble(den.get(key));
        return b <= 0 ? "" : String.format(Locale.ROOT, "%.1f×", a / b);
    }

    private static String fmtMs(String ms) {
        return ms.isEmpty() ? "?" : String.format(Locale.ROOT, "%,.1f ms", Double.parseDouble(ms));
    }

    private static String bytes(long b) {
        return b >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0)
                : b >= 1024 ? String.format(Locale.ROOT, "%.1f KiB", b / 1024.0) : b + " B";
    }

    /** Replaces the "## nftables" section of {@code file} (up to the next "## " heading), or appends it. */
    static void replaceSection(Path file, String section) throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "";
        int start = text.indexOf("\n" + HEADING + "\n");
        if (start < 0) {
            Files.writeString(file, text.stripTrailing() + "\n\n" + section);
            return;
        }
        int end = text.indexOf("\n## ", start + 1);
        String rest = end < 0 ? "" : text.substring(end);
        Files.writeString(file, text.substring(0, start + 1) + section + rest);
    }
}
