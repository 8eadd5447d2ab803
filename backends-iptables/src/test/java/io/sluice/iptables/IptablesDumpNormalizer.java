package io.sluice.iptables;

import io.sluice.iptables.exec.RuleText;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Upstream's test normaliser {@code sortIPTablesRules} (proxier_test.go): the conformance fixtures are stored in this
 * form, so a payload is compared after it. Tables by name; chains KUBE-NODEPORTS, KUBE-SERVICES, other KUBE-*, then
 * the rest; rules of the service-ordered chains stable-sorted by the service name in their comment.
 */
final class IptablesDumpNormalizer {
    private static final String LAST_RULE = "must be the last rule";

    private IptablesDumpNormalizer() {
    }

    static String normalize(String payload) {
        Map<String, Table> tables = new TreeMap<>();
        Table cur = null;
        for (String raw : payload.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("*")) {
                cur = tables.computeIfAbsent(line.substring(1), n -> new Table());
            } else if (line.equals("COMMIT")) {
                cur = null;
            } else if (line.startsWith(":")) {
                cur.rules.computeIfAbsent(line.substring(1).split(" ")[0], c -> new ArrayList<>());
            } else if (line.startsWith("-X ")) {
                String c = line.substring(3).strip();
                cur.rules.computeIfAbsent(c, x -> new ArrayList<>());
                cur.deleted.add(c);
            } else if (line.startsWith("-A ")) {
                String c = line.split(" ")[1];
                cur.rules.computeIfAbsent(c, x -> new ArrayList<>()).add(line);
            } else {
                throw new IllegalArgumentException("unexpected line: " + line);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Table> te : tables.entrySet()) {
            String table = te.getKey();
            Table t = te.getValue();
            List<String> chains = new ArrayList<>(t.rules.keySet());
            chains.sort(Comparator.comparingInt(IptablesDumpNormalizer::chainRank).thenComparing(c -> c));
            sb.append('*').append(table).append('\n');
            chains.forEach(c -> sb.append(':').append(c).append(" - [0:0]\n"));
            for (String c : chains) {
                List<String> rules = new ArrayList<>(t.rules.get(c));
                boolean byService = c.equals("KUBE-NODEPORTS") || (table.equals("filter") && c.equals("KUBE-SERVICES"));
                if (byService) {
                    rules.sort(IptablesDumpNormalizer::byServiceName);
                } else if (table.equals("nat") && c.equals("KUBE-SERVICES")) {
                    rules.sort(Comparator.comparingInt((String r) -> r.contains(LAST_RULE) ? 1 : 0)
                            .thenComparing(IptablesDumpNormalizer::byServiceName));
                }
                rules.forEach(r -> sb.append(r).append('\n'));
            }
            chains.stream().filter(t.deleted::contains).forEach(c -> sb.append("-X ").append(c).append('\n'));
            sb.append("COMMIT\n");
        }
        return sb.toString();
    }

    private static int chainRank(String c) {
        if (c.equals("KUBE-NODEPORTS")) {
            return 0;
        }
        if (c.equals("KUBE-SERVICES")) {
            return 1;
        }
        return c.startsWith("KUBE-") ? 2 : 3;
    }

    private static int byServiceName(String a, String b) {
        String x = serviceName(a);
        String y = serviceName(b);
        if (x == null || y == null) {
            return 0;
        }
        return x.compareTo(y);
    }

    private static String serviceName(String rule) {
        List<String> w = RuleText.split(rule);
        int i = w.indexOf("--comment");
        if (i < 0 || i + 1 >= w.size()) {
            return null;
        }
        String c = w.get(i + 1);
        int end = c.length();
        for (int k = 0; k < c.length(); k++) {
            if (c.charAt(k) == ' ' || c.charAt(k) == ':') {
                end = k;
                break;
            }
        }
        return c.substring(0, end);
    }

    private static final class Table {
        final Map<String, List<String>> rules = new LinkedHashMap<>();
        final Set<String> deleted = new LinkedHashSet<>();
    }
}
