package io.sluice.iptables.render;

import java.util.ArrayList;
import java.util.List;

/**
 * One jump from a built-in (or kubelet) chain into a kube-proxy chain, installed outside iptables-restore on full
 * syncs (upstream {@code iptablesJumpChains}, ensured with {@code -C} then {@code -I}).
 *
 * @param table     "filter" or "nat"
 * @param fromChain the hook chain (INPUT, FORWARD, OUTPUT, PREROUTING, POSTROUTING)
 * @param toChain   the kube chain jumped to
 * @param extraArgs matches placed before the comment
 * @param comment   the comment, "" for none; one argv element, never quoted
 */
public record JumpRule(String table, String fromChain, String toChain, List<String> extraArgs, String comment) {
    public JumpRule {
        extraArgs = List.copyOf(extraArgs);
        comment = comment == null ? "" : comment;
    }

    /**
     * The argv after {@code -t table} and the operation: {@code iptables -t <table> -C|-I|-D} + this list, i.e. the
     * chain followed by {@link #args()}, e.g. {@code [INPUT, -m, conntrack, --ctstate, NEW, -m, comment, --comment,
     * kubernetes externally-visible service portals, -j, KUBE-EXTERNAL-SERVICES]} (the comment is one element).
     */
    public List<String> ruleArgs() {
        List<String> out = new ArrayList<>();
        out.add(fromChain);
        out.addAll(args());
        return List.copyOf(out);
    }

    /** The rule specification without the chain: extra args, comment, jump. */
    public List<String> args() {
        List<String> out = new ArrayList<>(extraArgs);
        if (!comment.isEmpty()) {
            out.add("-m");
            out.add("comment");
            out.add("--comment");
            out.add(comment);
        }
        out.add("-j");
        out.add(toChain);
        return List.copyOf(out);
    }
}
