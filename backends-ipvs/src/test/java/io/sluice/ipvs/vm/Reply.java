package io.sluice.ipvs.vm;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a pod server answered: its pod name and the client address it saw (after IPVS NAT).
 *
 * @param pod        the answering pod ("pod1", ...)
 * @param clientIp   the source address of the connection as seen by the pod
 * @param clientPort the source port as seen by the pod
 */
record Reply(String pod, String clientIp, int clientPort) {

    /** What {@link #answers} lists for an attempt that got no answer. */
    static final String NO_ANSWER = "(no answer)";

    /** The answering pod of each attempt, {@link #NO_ANSWER} for failed ones: compact for assertion messages. */
    static List<String> answers(List<Optional<Reply>> replies) {
        return replies.stream().map(r -> r.map(Reply::pod).orElse(NO_ANSWER)).toList();
    }

    /** The distinct pods that answered. */
    static Set<String> pods(List<Optional<Reply>> replies) {
        return replies.stream().flatMap(Optional::stream).map(Reply::pod).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Parses {@code "<pod> <ip>:<port>"}; empty for anything else (e.g. the client's {@code "ERR ..."} lines). */
    static Optional<Reply> parse(String line) {
        if (line == null) {
            return Optional.empty();
        }
        String[] parts = line.strip().split(" ");
        if (parts.length != 2 || parts[0].equals("ERR")) {
            return Optional.empty();
        }
        int colon = parts[1].lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Reply(parts[0], parts[1].substring(0, colon),
                    Integer.parseInt(parts[1].substring(colon + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
