package io.sluice.iptables.render;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules of the top-level chains after a sync, as written ({@code -A ...} lines without the newline), keyed
 * {@code "table/CHAIN"} (e.g. {@code "nat/KUBE-SERVICES"}); only chains the renderer declares appear. The backend keeps
 * the value of the last <em>successful</em> restore and hands it back in the next {@link RenderRequest} so that
 * {@link TopLevelRewrite#WHEN_CHANGED} can leave unchanged chains out; the renderer itself keeps no such state.
 * Immutable.
 *
 * @param chains rule lines per {@code table/chain}, in write order
 */
public record TopLevelChains(Map<String, List<String>> chains) {
    /** Nothing known: every declared chain counts as changed. */
    public static final TopLevelChains NONE = new TopLevelChains(Map.of());

    public TopLevelChains {
        TreeMap<String, List<String>> copy = new TreeMap<>();
        chains.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        chains = java.util.Collections.unmodifiableSortedMap(copy);
    }

    static String key(String table, String chain) {
        return table + "/" + chain;
    }

    /** The rules of a chain, or null when it was not declared. */
    public List<String> rules(String table, String chain) {
        return chains.get(key(table, chain));
    }
}
