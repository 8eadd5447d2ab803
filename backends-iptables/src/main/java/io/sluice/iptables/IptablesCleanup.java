package io.sluice.iptables;

import io.sluice.core.model.IpFamily;
import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.exec.IptablesException;
import io.sluice.iptables.render.CleanupRules;
import io.sluice.iptables.render.JumpRule;
import io.sluice.iptables.render.JumpRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Applies kube-proxy's iptables cleanup ({@code pkg/proxy/iptables/cleanup.go}, what {@link CleanupRules} lists) to
 * one family and variant. Deletes only what kube-proxy writes: the jump rules, the fixed KUBE chains of nat and
 * filter, every nat service chain, and the mangle canary. Idempotent: absent rules and chains are skipped. Every step
 * is attempted; failures are returned, not thrown.
 *
 * <p>KUBE-FIREWALL (the localhost-nodeport martian rule) is shared with kubelet, which writes the very same chain,
 * rule and jumps; kube-proxy therefore never deletes it. Sluice goes one step further so that a node without kubelet's
 * iptables management is left with no KUBE- chain at all: the chain and its two bare jumps are removed only when
 * kubelet is not managing iptables (no {@code KUBE-KUBELET-CANARY} chain, which kubelet keeps in mangle, nat and
 * filter to detect flushes) and the chain holds nothing but the rule Sluice writes.
 */
final class IptablesCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(IptablesCleanup.class);

    private IptablesCleanup() {
    }

    /** @return error messages; empty when everything went */
    static List<String> run(Iptables ipt) {
        List<String> errors = new ArrayList<>();
        IpFamily family = ipt.family();
        for (JumpRule j : CleanupRules.jumpRulesToDelete(family)) {
            try {
                // A rule may have been inserted more than once (e.g. by two proxies): delete until none is left.
                int guard = 0;
                while (ipt.deleteRule(j.table(), j.fromChain(), JumpSpecs.spec(j)) && ++guard < 100) {
                    // repeat
                }
            } catch (IptablesException e) {
                errors.add(ipt.variant() + " " + family + ": " + e.getMessage());
            }
        }
        cleanTable(ipt, Iptables.NAT, errors);
        cleanTable(ipt, Iptables.FILTER, errors);
        try {
            removeFirewallChainIfOnlyOurs(ipt);
        } catch (IptablesException e) {
            errors.add(ipt.variant() + " " + family + " " + KUBE_FIREWALL + ": " + e.getMessage());
        }
        try {
            if (ipt.listChain(Iptables.MANGLE, CleanupRules.MANGLE_CANARY).isPresent()) {
                ipt.flushChain(Iptables.MANGLE, CleanupRules.MANGLE_CANARY);
                ipt.deleteChain(Iptables.MANGLE, CleanupRules.MANGLE_CANARY);
            }
        } catch (IptablesException e) {
            errors.add(ipt.variant() + " " + family + ": " + e.getMessage());
        }
        return errors;
    }

    private static final String KUBE_FIREWALL = "KUBE-FIREWALL";
    private static final String KUBELET_CANARY = "KUBE-KUBELET-CANARY";
    /** The only rule Sluice writes into KUBE-FIREWALL, identified by its comment in {@code -S} output. */
    private static final String LOCALNET_COMMENT = "--comment \"block incoming localnet connections\"";

    private static void removeFirewallChainIfOnlyOurs(Iptables ipt) throws IptablesException {
        for (String table : List.of(Iptables.MANGLE, Iptables.NAT, Iptables.FILTER)) {
            if (ipt.listChain(table, KUBELET_CANARY).isPresent()) {
                LOG.info("{} {}: kubelet manages iptables ({} in {}): leaving {} to it", ipt.variant(), ipt.family(),
                        KUBELET_CANARY, table, KUBE_FIREWALL);
                return;
            }
        }
        Optional<List<String>> rules = ipt.listChain(Iptables.FILTER, KUBE_FIREWALL);
        if (rules.isEmpty()) {
            return;
        }
        List<String> foreign = rules.get().stream().filter(l -> l.startsWith("-A "))
                .filter(l -> !l.contains(LOCALNET_COMMENT)).toList();
        if (!foreign.isEmpty()) {
            LOG.info("{} {}: {} holds rules Sluice did not write ({}): leaving it", ipt.variant(), ipt.family(),
                    KUBE_FIREWALL, foreign.get(0));
            return;
        }
        for (JumpRule j : JumpRules.forFamily(ipt.family())) {
            if (JumpRules.isKubeletShared(j)) {
                int guard = 0;
                while (ipt.deleteRule(j.table(), j.fromChain(), JumpSpecs.spec(j)) && ++guard < 100) {
                    // repeat: a rule may have been inserted more than once
                }
            }
        }
        ipt.flushChain(Iptables.FILTER, KUBE_FIREWALL);
        ipt.deleteChain(Iptables.FILTER, KUBE_FIREWALL);
    }

    /** One {@code iptables-restore -T table} that flushes and deletes our chains present in the table. */
    private static void cleanTable(Iptables ipt, String table, List<String> errors) {
        try {
            Set<String> present = IptablesBackend.chainsOf(ipt.save(table));
            Set<String> ours = table.equals(Iptables.NAT) ? CleanupRules.natChainsToRemove(present)
                    : CleanupRules.filterChainsToRemove(present);
            if (!ours.isEmpty()) {
                ipt.restore(CleanupRules.restorePayload(table, ours), Optional.of(table));
            }
        } catch (IptablesException e) {
            errors.add(ipt.variant() + " " + ipt.family() + " " + table + ": " + e.getMessage());
        }
    }
}
