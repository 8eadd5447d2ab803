package io.sluice.app.netlab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code nft -a list table FAMILY kube-proxy} shows in a lab node: the table kube-proxy's nftables mode (and
 * Sluice's nftables backend) owns, one per IP family (pkg/proxy/nftables/proxier.go NewProxier: family {@code ip} or
 * {@code ip6}, table {@code kube-proxy}). Listed with {@code -a}, so every rule carries its kernel handle: a chain that
 * a sync flushed and rewrote gets new handles even when its text is the same, which makes "left untouched" testable
 * (kube-proxy's nftables rules have no counters to compare).
 *
 * @param text the listing, or an empty string when the table does not exist
 */
public record NftRuleset(String text) {

    /** The node's {@code FAMILY kube-proxy} table ({@code family} is "ip" or "ip6"). */
    public static NftRuleset of(NetLab lab, String family) {
        NetLab.Result r = lab.tryIn(lab.node(), Duration.ofSeconds(30), "nft", "-a", "list", "table", family,
                "kube-proxy");
        return new NftRuleset(r.exitCode() == 0 ? r.output() : "");
    }

    /** Every table of the node's ruleset as {@code "family name"} lines ({@code nft list tables}). */
    public static List<String> tables(NetLab lab) {
        return lab.inNode("nft", "list", "tables").lines().map(String::strip)
                .filter(l -> l.startsWith("table "))
                .map(l -> l.substring("table ".length()))
                .toList();
    }

    public boolean exists() {
        return !text.isEmpty();
    }

    /**
     * The chains whose names contain {@code marker} (e.g. {@code "-t/balance/tcp/p"}, the service-port part of
     * kube-proxy's hashed names {@code service-HASH-ns/svc/proto/port}), by name, each with its rules as listed
     * (handles included), in listing order.
     */
    public Map<String, List<String>> chainsContaining(String marker) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : chains().entrySet()) {
            if (e.getKey().contains(marker)) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** All chains by name with their rule lines (stripped), in listing order. */
    public Map<String, List<String>> chains() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String current = null;
        List<String> rules = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (current == null && line.startsWith("chain ") && line.contains("{")) {
                current = unquote(line.substring("chain ".length(), line.indexOf('{')).strip());
                rules = new ArrayList<>();
            } else if (current != null && line.startsWith("}")) {
                out.put(current, List.copyOf(rules));
                current = null;
            } else if (current != null && !line.isEmpty()) {
                rules.add(line);
            }
        }
        return out;
    }

    /** The elements block of set or map {@code name} as listed (whitespace-collapsed), or "" when it has none. */
    public String elementsOf(String name) {
        String block = block("set " + name + " {", "map " + name + " {");
        int i = block.indexOf("elements = {");
        if (i < 0) {
            return "";
        }
        int depth = 0;
        StringBuilder sb = new StringBuilder();
        for (int j = i + "elements = ".length(); j < block.length(); j++) {
            char c = block.charAt(j);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            sb.append(c);
            if (depth == 0) {
                break;
            }
        }
        return sb.toString().replaceAll("\\s+", " ");
    }

    /** Names of the sets whose names start with {@code prefix} (e.g. {@code "affinity-"}). */
    public List<String> setsStartingWith(String prefix) {
        return text.lines().map(String::strip).filter(l -> l.startsWith("set " + prefix) && l.contains(" {"))
                .map(l -> unquote(l.substring("set ".length(), l.indexOf(" {")).strip()))
                .collect(Collectors.toList());
    }

    private String block(String... openers) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            for (String opener : openers) {
                if (l.startsWith(opener)) {
                    StringBuilder sb = new StringBuilder();
                    for (int j = i; j < lines.size() && !lines.get(j).strip().equals("}"); j++) {
                        sb.append(lines.get(j)).append('\n');
                    }
                    return sb.toString();
                }
            }
        }
        return "";
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
