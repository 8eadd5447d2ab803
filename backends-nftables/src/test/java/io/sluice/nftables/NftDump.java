package io.sluice.nftables;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** upstream's {@code sortNFTablesTransaction} (pkg/proxy/nftables/helpers_test.go), as the vectors' README describes. */
final class NftDump {
    private static final List<String> ORDER = List.of("table", "chain", "rule", "set", "map", "element");

    private NftDump() {
    }

    static String sort(String text) {
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isEmpty() && !l.startsWith("#")) {
                lines.add(l);
            }
        }
        lines.sort(NftDump::compare); // List.sort is stable
        return String.join("\n", lines) + "\n";
    }

    private static int compare(String a, String b) {
        String[] wa = a.split(" ");
        String[] wb = b.split(" ");
        String ta = word(wa, 1);
        String tb = word(wb, 1);
        if (!ta.equals(tb)) {
            return Integer.compare(rank(ta), rank(tb));
        }
        String na = word(wa, 4);
        String nb = word(wb, 4);
        if (!na.equals(nb)) {
            return na.compareTo(nb);
        }
        if (ta.equals("rule")) {
            return 0;
        }
        return a.compareTo(b);
    }

    private static int rank(String type) {
        int i = ORDER.indexOf(type);
        return i < 0 ? ORDER.size() : i;
    }

    private static String word(String[] w, int i) {
        return i < w.length ? w[i] : "";
    }

    static final Comparator<String> COMPARATOR = NftDump::compare;
}
