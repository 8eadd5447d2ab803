package io.sluice.iptables.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between an iptables rule as an argument vector and as one line of {@code iptables-save} /
 * {@code iptables-restore} text. Restore text quotes an argument containing white space with double quotes (as
 * kube-proxy writes {@code --comment "ns1/svc1:p80 cluster IP"}); the argv form carries it as one element.
 */
public final class RuleText {
    private RuleText() {
    }

    /** Splits restore text into words; a double-quoted string is one word, quotes stripped, {@code \"} unescaped. */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuotes = false;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inQuotes) {
                if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    inQuotes = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                inQuotes = true;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }

    /** Joins argv into restore text, quoting words that are empty or contain white space or quotes. */
    public static String join(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (a.isEmpty() || a.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"')) {
                sb.append('"').append(a.replace("\"", "\\\"")).append('"');
            } else {
                sb.append(a);
            }
        }
        return sb.toString();
    }

    /** The {@code -j} or {@code -g} target of a rule, or null when it has none. */
    public static String target(List<String> words) {
        for (int i = 0; i + 1 < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("-j") || w.equals("--jump") || w.equals("-g") || w.equals("--goto")) {
                return words.get(i + 1);
            }
        }
        return null;
    }
}
