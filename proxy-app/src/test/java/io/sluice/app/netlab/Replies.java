package io.sluice.app.netlab;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads {@code probe.py connect} result lines: {@code "OK <pod> <client-address-the-pod-saw>"}. */
final class Replies {
    private Replies() {
    }

    /** The pods that answered. */
    static Set<String> backends(List<String> replies) {
        return replies.stream().map(r -> r.split(" ")[1]).collect(Collectors.toSet());
    }

    /** The client addresses the pods saw (after any masquerade). */
    static Set<String> sources(List<String> replies) {
        return replies.stream().map(r -> r.split(" ")[2]).collect(Collectors.toSet());
    }
}
