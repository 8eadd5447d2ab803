package io.sluice.iptables.render;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Test-only port of upstream's iptables dump helpers ({@code pkg/util/iptables/testing/parse.go},
 * {@code pkg/proxy/iptables/proxier_test.go}): {@code ParseIPTablesDump}, {@code sortIPTablesRules} (the normaliser
 * the expected fixtures are written in: kube-proxy pkg/util/iptables/testing/parse.go) and {@code checkIPTablesRuleJumps}.
 */
final class IptablesDump {
    static final Set<String> BUILTIN_TARGETS = Set.of("ACCEPT", "REJECT", "DROP", "MARK", "RETURN", "DNAT", "SNAT",
            "MASQUERADE");
    static final Set<String> TOP_LEVEL = Set.of("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS",
            "KUBE-POSTROUTING", "KUBE-FORWARD", "KUBE-MARK-MASQ", "KUBE-PROXY-FIREWALL", "KUBE-FIREWALL");

    static final class Chain {
        final String name;
        final List<String> rules = new ArrayList<>();
        boolean deleted;

        Chain(String name) {
            this.name = name;
        }
    }

    /** table name → chains in declaration order. */
    final Map<String, LinkedHashMap<String, Chain>> tables = new TreeMap<>();

    static IptablesDump parse(String text) {
        IptablesDump d = new IptablesDump();
        LinkedHashMap<String, Chain> table = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("*")) {
                table = new LinkedHashMap<>();
                d.tables.put(line.substring(1), table);
            } else if (line.equals("COMMIT")) {
                table = null;
            } else if (table == null) {
                throw new IllegalArgumentException("line outside a table: " + line);
            } else if (line.startsWith(":")) {
                String name = line.substring(1, line.indexOf(' '));
                table.putIfAbsent(name, new Chain(name));
            } else if (line.startsWith("-A ")) {
                String name = words(line).get(1);
                Chain c = table.get(name);
                if (c == null) {
                    throw new IllegalArgumentException("rule for undeclared chain: " + line);
                }
                c.rules.add(line);
            } else if (line.startsWith("-X ")) {
                String name = line.substring(3).strip();
                Chain c = table.get(name);
                if (c == null) {
                    throw new IllegalArgumentException("-X of undeclared chain: " + line);
                }
                if (!c.rules.isEmpty()) {
                    throw new IllegalArgumentException("-X of a chain with rules: " + line);
                }
                c.deleted = true;
            } else {
                throw new IllegalArgumentException("unparseable line: " + line);
            }
        }
        return d;
    }

    /** Words of a rule: a double-quoted string is one word, quotes stripped. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char ch = line.charAt(i);
            if (ch == ' ') {
                i++;
            } else if (ch == '"') {
                int end = line.indexOf('"', i + 1);
                out.add(line.substring(i + 1, end));
                i = end + 1;
            } else {
                int end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                out.add(line.substring(i, end));
                i = end;
            }
        }
        return out;
    }

    static String comment(String rule) {
        List<String> w = words(rule);
        int i = w.indexOf("--comment");
        return i >= 0 && i + 1 < w.size() ? w.get(i + 1) : null;
    }

    /** "service name" of a rule: the comment up to the first ' ' or ':' ("" without comment). */
    static String serviceName(String rule) {
        String c = comment(rule);
        if (c == null) {
            return "";
        }
        int cut = c.length();
        for (int k = 0; k < c.length(); k++) {
            if (c.charAt(k) == ' ' || c.charAt(k) == ':') {
                cut = k;
                break;
            }
        }
        return c.substring(0, cut);
    }

    /** upstream {@code sortIPTablesRules}. */
    static String normalise(String payload) {
        IptablesDump d = parse(payload);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, LinkedHashMap<String, Chain>> t : d.tables.entrySet()) {
            List<Chain> chains = new ArrayList<>(t.getValue().values());
            chains.sort(IptablesDump::compareChains);
            for (Chain c : chains) {
                boolean nodePorts = c.name.equals("KUBE-NODEPORTS")
                        && (t.getKey().equals("filter") || t.getKey().equals("nat"));
                boolean filterServices = c.name.equals("KUBE-SERVICES") && t.getKey().equals("filter");
                if (nodePorts || filterServices) {
                    c.rules.sort(Comparator.comparing(IptablesDump::serviceName));
                } else if (c.name.equals("KUBE-SERVICES") && t.getKey().equals("nat")) {
                    c.rules.sort(Comparator.comparing((String r) -> {
                        String cm = comment(r);
                        return cm != null && cm.contains("must be the last rule");
                    }).thenComparing(IptablesDump::serviceName));
                }
            }
            sb.append('*').append(t.getKey()).append('\n');
            for (Chain c : chains) {
                sb.append(':').append(c.name).append(" - [0:0]\n");
            }
            for (Chain c : chains) {
                for (String r : c.rules) {
                    sb.append(r).append('\n');
                }
            }
            for (Chain c : chains) {
                if (c.deleted) {
                    sb.append("-X ").append(c.name).append('\n');
                }
            }
            sb.append("COMMIT\n");
        }
        return sb.toString();
    }

    private static int compareChains(Chain a, Chain b) {
        return Integer.compare(rank(a.name), rank(b.name)) != 0
                ? Integer.compare(rank(a.name), rank(b.name)) : a.name.compareTo(b.name);
    }

    private static int rank(String name) {
        if (name.equals("KUBE-NODEPORTS")) {
            return 0;
        }
        if (name.equals("KUBE-SERVICES")) {
            return 1;
        }
        return name.startsWith("KUBE-") ? 2 : 3;
    }

    /** upstream {@code checkIPTablesRuleJumps}: returns the problems found (empty when consistent). */
    static List<String> checkRuleJumps(String payload) {
        IptablesDump d = parse(payload);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, LinkedHashMap<String, Chain>> t : d.tables.entrySet()) {
            Map<String, Chain> chains = t.getValue();
            Set<String> jumpedTo = new java.util.TreeSet<>();
            for (Chain c : chains.values()) {
                if (c.deleted) {
                    continue;
                }
                for (String r : c.rules) {
                    List<String> w = words(r);
                    int j = w.indexOf("-j");
                    if (j < 0) {
                        continue;
                    }
                    String target = w.get(j + 1);
                    if (BUILTIN_TARGETS.contains(target)) {
                        continue;
                    }
                    jumpedTo.add(target);
                    Chain tc = chains.get(target);
                    if (tc == null || tc.deleted) {
                        problems.add(t.getKey() + ": " + c.name + " jumps to missing chain " + target);
                    } else if (tc.rules.isEmpty() && !target.equals("KUBE-NODEPORTS")) {
                        problems.add(t.getKey() + ": " + c.name + " jumps to empty chain " + target);
                    }
                }
            }
            for (Chain c : chains.values()) {
                if (!c.deleted && !TOP_LEVEL.contains(c.name) && !jumpedTo.contains(c.name)) {
                    problems.add(t.getKey() + ": chain " + c.name + " is never jumped to");
                }
            }
        }
        return problems;
    }

    /** Lines of one table's section of a payload that start with {@code prefix}. */
    static long count(String payload, String table, String prefix) {
        boolean in = false;
        long n = 0;
        for (String line : payload.split("\n")) {
            if (line.startsWith("*")) {
                in = line.substring(1).equals(table);
            } else if (in && line.startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }
}
