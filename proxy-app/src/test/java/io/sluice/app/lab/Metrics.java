package io.sluice.app.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A parsed Prometheus text exposition: series (name with labels, as printed) to value. Immutable. */
public final class Metrics {
    private final Map<String, Double> series;

    private Metrics(Map<String, Double> series) {
        this.series = series;
    }

    public static Metrics parse(String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            try {
                m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            } catch (RuntimeException e) {
                // not a sample line
            }
        }
        return new Metrics(m);
    }

    public static Metrics empty() {
        return new Metrics(Map.of());
    }

    /** Sum of every series of {@code name} whose labels contain all of {@code labelParts} (e.g. {@code ip_family="IPv4"}). */
    public double sum(String name, String... labelParts) {
        double total = 0;
        for (Map.Entry<String, Double> e : series.entrySet()) {
            String k = e.getKey();
            if (!(k.equals(name) || k.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (String p : labelParts) {
                all &= k.contains(p);
            }
            if (all) {
                total += e.getValue();
            }
        }
        return total;
    }

    /** The cumulative buckets of histogram {@code name} (le → count), summed over label sets. */
    public TreeMap<Double, Double> buckets(String name) {
        TreeMap<Double, Double> b = new TreeMap<>();
        String prefix = name + "_bucket{";
        for (Map.Entry<String, Double> e : series.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith(prefix)) {
                continue;
            }
            int le = k.indexOf("le=\"");
            String v = k.substring(le + 4, k.indexOf('"', le + 4));
            double bound = v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
            b.merge(bound, e.getValue(), Double::sum);
        }
        return b;
    }

    /**
     * The {@code q} quantile of the observations histogram {@code name} gained between {@code before} and this, by
     * linear interpolation inside the bucket as Prometheus' histogram_quantile does; NaN without observations.
     */
    public double quantileSince(Metrics before, String name, double q) {
        TreeMap<Double, Double> now = buckets(name);
        TreeMap<Double, Double> then = before.buckets(name);
        List<double[]> delta = new ArrayList<>();
        for (Map.Entry<Double, Double> e : now.entrySet()) {
            delta.add(new double[]{e.getKey(), e.getValue() - then.getOrDefault(e.getKey(), 0.0)});
        }
        if (delta.isEmpty()) {
            return Double.NaN;
        }
        double total = delta.get(delta.size() - 1)[1];
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double prevBound = 0;
        double prevCount = 0;
        for (double[] d : delta) {
            if (d[1] >= rank) {
                if (Double.isInfinite(d[0])) {
                    return prevBound;
                }
                double inBucket = d[1] - prevCount;
                return inBucket <= 0 ? d[0] : prevBound + (d[0] - prevBound) * (rank - prevCount) / inBucket;
            }
            prevBound = d[0];
            prevCount = d[1];
        }
        return prevBound;
    }

    /** Mean of the observations of histogram {@code name} gained since {@code before}; NaN without any. */
    public double meanSince(Metrics before, String name) {
        double count = sum(name + "_count") - before.sum(name + "_count");
        return count <= 0 ? Double.NaN : (sum(name + "_sum") - before.sum(name + "_sum")) / count;
    }
}
