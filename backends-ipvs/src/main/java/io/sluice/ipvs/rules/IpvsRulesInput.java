package io.sluice.ipvs.rules;

import io.sluice.core.model.IpFamily;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the IPVS-mode iptables payload depends on.
 *
 * @param family          the family of this payload (iptables-restore or ip6tables-restore)
 * @param nonEmptySets    base names ({@code KUBE-CLUSTER-IP}, ...) of the ipsets that have entries this sync
 * @param masqueradeAll   {@code iptables.masqueradeAll}
 * @param ifNotLocal      the local detector's "not local" match ({@code ! -s 10.0.0.0/8}), empty when none
 * @param masqueradeMark  {@code 0x%08x} of the mark bit, e.g. {@code 0x00004000}
 * @param randomFully     MASQUERADE gets {@code --random-fully}
 * @param lbNoNodeAccess  LB VIP:port/proto whose source ranges exclude the node IP (KUBE-IPVS-OUT-FILTER drops)
 */
public record IpvsRulesInput(IpFamily family, Set<String> nonEmptySets, boolean masqueradeAll,
                             List<String> ifNotLocal, String masqueradeMark, boolean randomFully,
                             List<LbNoNodeAccess> lbNoNodeAccess) {
    public IpvsRulesInput {
        Objects.requireNonNull(family, "family");
        nonEmptySets = Set.copyOf(nonEmptySets);
        ifNotLocal = List.copyOf(ifNotLocal);
        Objects.requireNonNull(masqueradeMark, "masqueradeMark");
        lbNoNodeAccess = List.copyOf(lbNoNodeAccess);
    }

    /** An LB VIP that must not be reachable from the node itself (kubernetes issue 119656). */
    public record LbNoNodeAccess(String ip, String protocol, int port) {
    }
}
