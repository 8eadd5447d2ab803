package io.sluice.iptables;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one {@code iptables-save -t TABLE} shows, reduced to what a drift check needs, in one pass over the text:
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
     * @param countRulesOf chains whose {@code -A} lines are counted (e.g. the top-level chains Sluice writes)
     */
    static SavedTable parse(String save, Set<String> countRulesOf) {
        Set<String> chains = new HashSet<>();
        Set<String> jumps = new HashSet<>();
        Map<String, Integer> counts = new HashMap<>();
        int n = save.length();
        int start = 0;
        while (start < n) {
            int end = save.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            if (save.charAt(start) == ':') {
                int sp = save.indexOf(' ', start);
                chains.add(save.substring(start + 1, sp < 0 || sp > end ? end : sp));
            } else if (save.startsWith("-A ", start)) {
                int sp = save.indexOf(' ', start + 3);
                if (sp > 0 && sp < end) {
                    String chain = save.substring(start + 3, sp);
                    if (countRulesOf.contains(chain)) {
                        counts.merge(chain, 1, Integer::sum);
                    }
                    if (BUILT_IN.contains(chain)) {
                        int j = save.lastIndexOf(" -j ", end);
                        if (j >= sp) {
                            int targetEnd = save.indexOf(' ', j + 4);
                            jumps.add(chain + ">" + save.substring(j + 4, targetEnd < 0 || targetEnd > end ? end
                                    : targetEnd));
                        }
                    }
                }
            }
            start = end + 1;
        }
        return new SavedTable(Set.copyOf(chains), Set.copyOf(jumps), Map.copyOf(counts));
    }

    /** The rules of {@code chain} counted by {@link #parse} (0 when it has none). */
    int rules(String chain) {
        return ruleCounts.getOrDefault(chain, 0);
    }
}
