package io.sluice.iptables.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tiny model of the kernel's nat table as {@code iptables-restore --noflush} changes it: a chain line flushes (or
 * creates) the chain, {@code -A} appends (its jump target must exist), {@code -X} deletes a chain that no remaining
 * rule references. The whole table is one transaction: any error leaves the state untouched (returns false).
 */
final class FakeNatKernel {
    private Map<String, List<String>> chains = new LinkedHashMap<>();

    Set<String> chainNames() {
        return new TreeSet<>(chains.keySet());
    }

    void inject(String rule) {
        List<String> w = IptablesDump.words(rule);
        chains.computeIfAbsent(w.get(1), k -> new ArrayList<>()).add(rule);
        String target = w.get(w.indexOf("-j") + 1);
        chains.computeIfAbsent(target, k -> new ArrayList<>());
    }

    /** Applies the nat section of a restore payload; false (state unchanged) when the kernel would reject it. */
    boolean apply(String payload) {
        Map<String, List<String>> next = new LinkedHashMap<>();
        chains.forEach((k, v) -> next.put(k, new ArrayList<>(v)));
        boolean inNat = false;
        for (String line : payload.split("\n")) {
            if (line.startsWith("*")) {
                inNat = line.equals("*nat");
                continue;
            }
            if (!inNat || line.equals("COMMIT")) {
                continue;
            }
            if (line.startsWith(":")) {
                next.put(line.substring(1, line.indexOf(' ')), new ArrayList<>());
            } else if (line.startsWith("-A ")) {
                List<String> w = IptablesDump.words(line);
                List<String> c = next.get(w.get(1));
                int j = w.indexOf("-j");
                if (c == null || (j >= 0 && !IptablesDump.BUILTIN_TARGETS.contains(w.get(j + 1))
                        && !next.containsKey(w.get(j + 1)))) {
                    return false;
                }
                c.add(line);
            } else if (line.startsWith("-X ")) {
                String name = line.substring(3);
                if (!next.containsKey(name) || !next.get(name).isEmpty()) {
                    return false;
                }
                for (List<String> rules : next.values()) {
                    for (String r : rules) {
                        List<String> w = IptablesDump.words(r);
                        int j = w.indexOf("-j");
                        if (j >= 0 && w.get(j + 1).equals(name)) {
                            return false; // "Too many links": the chain is still referenced
                        }
                    }
                }
                next.remove(name);
            } else {
                return false;
            }
        }
        chains = next;
        return true;
    }
}
