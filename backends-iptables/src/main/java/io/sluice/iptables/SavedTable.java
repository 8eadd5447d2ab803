package io.sluice.iptables;

import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.exec.IptablesException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one {@code iptables-save -t TABLE} shows, reduced to what a drift check needs, in one pass over its lines:
 * the declared chains (kube-proxy's {@code GetChainsFromTable}), the jumps from the built-in chains, and the rule
 * count of a few chains of interest. Immutable.
 *
 * @param chains     every declared chain ({@code :NAME} lines)
 * @param jumps      {@code "FROM>TO"} for every {@code -A FROM ... -j TO} rule of a built-in chain
 * @param ruleCounts {@code -A} lines per chain, for the chains asked for only (absent: none)
 */
record SavedTable(Set<String> chains, Set<String> jumps, Map<String, Integer> ruleCounts) {

    private static final Set<String> BUILT_IN = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");

    /**
     * Reads {@code iptables-save -t table} line by line (the table's text is never held: tens of MiB at 10,000
     * services).
     *
     * @param countRulesOf chains whose {@code -A} lines are counted (e.g. the top-level chains Sluice writes)
     */
    static SavedTable read(Iptables ipt, String table, Set<String> countRulesOf) throws IptablesException {
        Parser p = new Parser(countRulesOf);
        ipt.saveLines(table, p::accept);
        return p.result();
    }

    /** The same from a save's text (tests, benchmarks). */
    static SavedTable parse(String save, Set<String> countRulesOf) {
        Parser p = new Parser(countRulesOf);
        save.lines().forEach(p::accept);
        return p.result();
    }

    /** One pass over save lines. */
    private static final class Parser {
        private final Set<String> countRulesOf;
        private final Set<String> chains = new HashSet<>();
        private final Set<String> jumps = new HashSet<>();
        private final Map<String, Integer> counts = new HashMap<>();

        Parser(Set<String> countRulesOf) {
            this.countRulesOf = countRulesOf;
        }

        void accept(String line) {
            if (line.startsWith(":")) {
                int sp = line.indexOf(' ');
                chains.add(sp < 0 ? line.substring(1) : line.substring(1, sp));
            } else if (line.startsWith("-A ")) {
                int sp = line.indexOf(' ', 3);
                if (sp > 0) {
                    String chain = line.substring(3, sp);
                    if (countRulesOf.contains(chain)) {
                        counts.merge(chain, 1, Integer::sum);
                    }
                    if (BUILT_IN.contains(chain)) {
                        int j = line.lastIndexOf(" -j ");
                        if (j >= sp) {
                            int targetEnd = line.indexOf(' ', j + 4);
                            jumps.add(chain + ">" + line.substring(j + 4, targetEnd < 0 ? line.length() : targetEnd));
                        }
                    }
                }
            }
        }

        SavedTable result() {
            return new SavedTable(Set.copyOf(chains), Set.copyOf(jumps), Map.copyOf(counts));
        }
    }

    /** The rules of {@code chain} counted by {@link #parse} (0 when it has none). */
    int rules(String chain) {
        return ruleCounts.getOrDefault(chain, 0);
    }
}
