package io.sluice.iptables;

import io.sluice.iptables.render.JumpRule;

import java.util.ArrayList;
import java.util.List;

/** The rule specification of a jump rule, without table, operation or chain (kube-proxy pkg/proxy/iptables/proxier.go iptablesJumpChains). */
final class JumpSpecs {
    private JumpSpecs() {
    }

    /** {@code extraArgs + [-m comment --comment <comment>] + [-j toChain]}; the comment is one argv element. */
    static List<String> spec(JumpRule j) {
        List<String> out = new ArrayList<>(j.extraArgs());
        if (!j.comment().isEmpty()) {
            out.addAll(List.of("-m", "comment", "--comment", j.comment()));
        }
        out.addAll(List.of("-j", j.toChain()));
        return List.copyOf(out);
    }
}
