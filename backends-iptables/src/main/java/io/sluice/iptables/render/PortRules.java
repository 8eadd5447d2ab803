package io.sluice.iptables.render;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.ServicePort;

import java.util.List;
import java.util.Objects;

/**
 * The rendered rules of one service port, memoised by {@link IptablesRenderer} across renders: the inputs that
 * determine them (the family's {@link ServicePort}, its endpoints of the family, the node's zone, large-cluster
 * mode; the node name and every other option are fixed per renderer) and the lines. A port whose values failed
 * validation has {@code bad} set and no lines. Immutable.
 *
 * @param rawEndpoints    the snapshot's endpoint list of the port (all families): when the next snapshot's list is
 *                        the same (or equal), {@code endpoints} is reused without filtering again
 * @param filter          its lines in filter top-level chains, in write order
 * @param nat             its lines in nat top-level chains (KUBE-SERVICES, KUBE-NODEPORTS), in write order
 * @param chainDecls      {@code :CHAIN - [0:0]} lines of its own chains (newline-terminated)
 * @param chainRules      rules of its own chains (newline-terminated)
 * @param chainRuleCount  lines in {@code chainRules}
 * @param active          its own chains
 */
record PortRules(ServicePort sp, List<Endpoint> rawEndpoints, List<Endpoint> endpoints, String zone, boolean largeClusterMode, String bad,
                 List<TopLines.Line> filter, List<TopLines.Line> nat, String chainDecls, String chainRules,
                 long chainRuleCount, List<String> active, boolean noLocalInternal, boolean noLocalExternal) {

    static PortRules skipped(ServicePort sp, List<Endpoint> rawEndpoints, List<Endpoint> endpoints, String bad) {
        return new PortRules(sp, rawEndpoints, endpoints, null, false, bad, List.of(), List.of(), "", "", 0, List.of(), false,
                false);
    }

    /** Same validation input: {@link #bad} still applies. */
    boolean sameValues(ServicePort otherSp, List<Endpoint> otherEndpoints) {
        return sp.equals(otherSp) && endpoints.equals(otherEndpoints);
    }

    /** Same inputs: the lines can be reused as they are. */
    boolean reusableFor(ServicePort otherSp, List<Endpoint> otherEndpoints, String otherZone, boolean large) {
        return bad == null && largeClusterMode == large && Objects.equals(zone, otherZone)
                && sameValues(otherSp, otherEndpoints);
    }
}
