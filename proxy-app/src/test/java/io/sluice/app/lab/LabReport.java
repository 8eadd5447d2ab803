package io.sluice.app.lab;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Turns the daemon lab's result files (one properties file per label, size and variant) into the "## Daemon lab"
 * section of docs/benchmarks.md and two SVG charts (memory; network programming latency), drawn by hand: bars per
 * cluster size, one colour per label. Rows are sorted by variant, size and label, so the same results give the same
 * text.
 *
 * <p>Usage: {@code LabReport --in DIR --write docs/benchmarks.md --svg-dir docs}.
 */
public final class LabReport {
    static final String HEADING = "## Daemon lab";
    /** kube-proxy's own figures for the same shapes, with where they come from. */
    static final String KUBE_PROXY_NOTE = """
            kube-proxy for comparison: issue 9 of this project measured kube-proxy (iptables mode) at 30,000 services ×
            4 endpoints at about **926 MiB** RSS. Upstream's scalability SLO for in-cluster network programming latency
            is p99 ≤ 30 s at 5,000 nodes (kubernetes/community `sig-scalability/slos/network_programming_latency.md`),
            and the nftables-mode work reports 10,000 services × 2 endpoints at a 650 MiB (before) → 260 MiB (after)
            peak (kubernetes/kubernetes#126013). Rows are this
            machine's figures; kube-proxy's are from other machines, so read them as orders of magnitude.
            """;

    private LabReport() {
    }

    public static void main(String[] argv) throws IOException {
        Map<String, String> a = DaemonLab.parseArgs(argv);
        List<Properties> runs = load(Path.of(a.get("in")));
        Path svgDir = Path.of(a.getOrDefault("svg-dir", "docs"));
        Files.writeString(svgDir.resolve("daemon-lab-memory.svg"), memorySvg(runs));
        Files.writeString(svgDir.resolve("daemon-lab-latency.svg"), latencySvg(runs));
        Path doc = Path.of(a.get("write"));
        String text = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n";
        Files.writeString(doc, replaceSection(text, section(runs)));
        System.out.println("wrote " + doc + " and " + svgDir + "/daemon-lab-*.svg from " + runs.size() + " runs");
    }

    static List<Properties> load(Path dir) throws IOException {
        List<Properties> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".properties")
                    && !p.getFileName().toString().startsWith("reliability-")).sorted().toList()) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f)) {
                    p.load(r);
                }
                runs.add(p);
            }
        }
        runs.sort(Comparator.comparing((Properties p) -> p.getProperty("variant"))
                .thenComparing(p -> Integer.parseInt(p.getProperty("services")) * 100
                        + Integer.parseInt(p.getProperty("endpoints")))
                .thenComparing(p -> p.getProperty("label").equals("before") ? "" : p.getProperty("label")));
        return runs;
    }

    static String replaceSection(String doc, String section) {
        int start = doc.indexOf(HEADING + "\n");
        if (start < 0) {
            return doc.stripTrailing() + "\n\n" + section;
        }
        int next = doc.indexOf("\n## ", start + HEADING.length());
        return doc.substring(0, start) + section + (next < 0 ? "" : doc.substring(next + 1));
    }

    static String section(List<Properties> runs) {
        StringBuilder sb = new StringBuilder(HEADING).append("\n\n");
        sb.append("Written by `scripts/bench-daemon.sh` (`io.sluice.app.lab.DaemonLab`, `LabReport`). Each row is one run of "
                + "the real `sluice run` (the shaded jar) with the DaemonSet's `JAVA_TOOL_OPTIONS`, in a cgroup v1 memory "
                + "group with the DaemonSet's memory limit (both read from `manifests/base/daemonset.yaml` at the time of "
                + "the run, shown per row), watching fabric8's mock API server (CRUD mode, its own JVM) filled with N "
                + "ClusterIP services × E endpoints, and programming the real kernel of a fresh network namespace. "
                + "`before` is the code before the bounded-memory work, `current` the code this section was written "
                + "with. The machine has 2 cores shared with other builds, so times include waiting for a CPU.\n\n");
        sb.append("- *rules live*: seconds from process start until /metrics reports the first sync (then "
                + "`iptables-save` is checked to hold one KUBE-SVC chain per service).\n"
                + "- *RSS / live heap*: VmRSS, and the bytes of `jcmd GC.class_histogram` (a full GC first: live "
                + "objects only), 5 s after the first sync and 5 s after 1,000 endpoint changes made through the API "
                + "as fast as it takes them; *cgroup peak* is `memory.max_usage_in_bytes` over the whole run.\n"
                + "- *change → kernel*: single-endpoint changes through the API, one at a time, 1.2 s apart; time from "
                + "the update call until `iptables -t nat -S <new KUBE-SEP chain>` finds it (polled back to back, so "
                + "p99 of 30 samples is their maximum). *NPL* is the daemon's own "
                + "`kubeproxy_network_programming_duration_seconds` over the same changes (from the "
                + "`endpoints.kubernetes.io/last-change-trigger-time` annotation the lab sets), interpolated inside "
                + "histogram buckets as Prometheus does, so it can exceed the measured maximum; *partial sync* is the "
                + "mean of `kubeproxy_sync_partial_proxy_rules_duration_seconds` over them.\n\n");
        sb.append("| label | variant | cluster | JVM options, limit | rules live | RSS first sync | live heap first sync "
                + "| RSS after 1,000 changes | live heap after 1,000 changes | cgroup peak | change → kernel p50 / p99 "
                + "| NPL p50 / p99 | partial sync |\n");
        sb.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Properties p : runs) {
            sb.append("| ").append(p.getProperty("label"))
                    .append(p.containsKey("note") ? " (" + p.getProperty("note") + ")" : "")
                    .append(" | iptables-").append(p.getProperty("variant"))
                    .append(" | ").append(String.format(Locale.ROOT, "%,d × %s", Integer.parseInt(p.getProperty("services")),
                            p.getProperty("endpoints")))
                    .append(" | `").append(p.getProperty("jvm_options")).append("`, ")
                    .append(p.getProperty("memory_limit_mib")).append(" MiB | ");
            if (!p.containsKey("first_sync_s")) {
                sb.append("**never: ").append(p.getProperty("first_sync", "?")).append(", OOM kills ")
                        .append(p.getProperty("cgroup_oom_kills", "?")).append("** | | | | | ")
                        .append(mib(p, "cgroup_max_usage_mib")).append(" | | | |\n");
                continue;
            }
            sb.append(sec(p, "rules_live_s")).append(" | ").append(mib(p, "rss_first_mib")).append(" | ")
                    .append(mib(p, "live_heap_first_mib")).append(" | ").append(mib(p, "rss_changes_mib")).append(" | ")
                    .append(mib(p, "live_heap_changes_mib")).append(" | ").append(mib(p, "cgroup_max_usage_mib"))
                    .append(" | ").append(sec(p, "latency_p50_s")).append(" / ").append(sec(p, "latency_p99_s"))
                    .append(" | ").append(sec(p, "npl_p50_s")).append(" / ").append(sec(p, "npl_p99_s"))
                    .append(" | ").append(sec(p, "partial_sync_mean_s")).append(" |\n");
        }
        sb.append("\n![RSS and live heap per run](daemon-lab-memory.svg)\n\n");
        sb.append("![change to kernel latency per run](daemon-lab-latency.svg)\n\n");
        sb.append(KUBE_PROXY_NOTE.replace("\n", " ").replaceAll(" +", " ").strip()).append("\n\n");
        sb.append("Class histograms (top 25 after a full GC) and `GC.heap_info` of every run are kept next to the "
                + "results in `target/daemon-lab/`.\n");
        return sb.toString();
    }

    private static String sec(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.equals("NaN")) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f s", Double.parseDouble(v));
    }

    private static String mib(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            return "–";
        }
        try {
            return String.format(Locale.ROOT, "%,d MiB", Long.parseLong(v));
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private static double num(Properties p, String key) {
        try {
            return Double.parseDouble(p.getProperty(key, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static String runName(Properties p) {
        return p.getProperty("label") + " " + p.getProperty("services") + "×" + p.getProperty("endpoints") + " "
                + p.getProperty("variant");
    }

    static String memorySvg(List<Properties> runs) {
        return bars(runs, "Memory per run (MiB): RSS after first sync, RSS after 1,000 changes, live heap after 1,000 changes",
                new String[]{"rss_first_mib", "rss_changes_mib", "live_heap_changes_mib"},
                new String[]{"#4e79a7", "#f28e2b", "#59a14f"}, "MiB", 300);
    }

    static String latencySvg(List<Properties> runs) {
        return bars(runs, "Single-endpoint change to rule in the kernel (s): p50, p99; partial sync mean",
                new String[]{"latency_p50_s", "latency_p99_s", "partial_sync_mean_s"},
                new String[]{"#4e79a7", "#e15759", "#76b7b2"}, "s", Double.NaN);
    }

    /** A grouped bar chart: one group per run, one bar per key; an optional dashed goal line. */
    static String bars(List<Properties> runs, String title, String[] keys, String[] colours, String unit, double goal) {
        int groupW = 30 * keys.length + 30;
        int left = 60;
        int width = Math.max(400, left + groupW * runs.size() + 20);
        int height = 360;
        int plotTop = 40;
        int plotBottom = 250;
        double max = Double.isNaN(goal) ? 0 : goal;
        for (Properties p : runs) {
            for (String k : keys) {
                double v = num(p, k);
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max = max <= 0 ? 1 : max * 1.1;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">\n", width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"13\">%s</text>\n", esc(title)));
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double y = plotBottom - (plotBottom - plotTop) * i / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"5\" y=\"%.1f\">%s</text>\n", left, y, width - 10, y, y + 4, fmt(v, unit)));
        }
        if (!Double.isNaN(goal)) {
            double y = plotBottom - (plotBottom - plotTop) * goal / max;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c00\" "
                    + "stroke-dasharray=\"6,4\"/><text x=\"%d\" y=\"%.1f\" fill=\"#c00\">goal %s</text>\n",
                    left, y, width - 10, y, width - 110, y - 4, fmt(goal, unit)));
        }
        for (int r = 0; r < runs.size(); r++) {
            Properties p = runs.get(r);
            int x0 = left + 10 + r * groupW;
            for (int k = 0; k < keys.length; k++) {
                double v = num(p, keys[k]);
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#c00\">✗</text>\n",
                            x0 + k * 30 + 8, plotBottom - 4));
                    continue;
                }
                double h = (plotBottom - plotTop) * v / max;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"26\" height=\"%.1f\" "
                        + "fill=\"%s\"><title>%s %s: %s</title></rect>\n", x0 + k * 30, plotBottom - h, h,
                        colours[k], esc(runName(p)), keys[k], fmt(v, unit)));
            }
            s.append(String.format(Locale.ROOT, "<text transform=\"translate(%d,%d) rotate(35)\">%s</text>\n",
                    x0, plotBottom + 14, esc(runName(p))));
        }
        for (int k = 0; k < keys.length; k++) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>\n", left + k * 190, height - 18, colours[k],
                    left + k * 190 + 16, height - 8, esc(keys[k])));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String fmt(double v, String unit) {
        return unit.equals("s") ? String.format(Locale.ROOT, "%.2f s", v) : String.format(Locale.ROOT, "%.0f %s", v, unit);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
