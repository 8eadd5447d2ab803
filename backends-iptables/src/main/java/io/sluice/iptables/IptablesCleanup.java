package io.sluice.iptables;

import io.sluice.core.model.IpFamily;
import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.exec.IptablesException;
import io.sluice.iptables.render.CleanupRules;
import io.sluice.iptables.render.JumpRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Applies kube-proxy's iptables cleanup ({@code pkg/proxy/iptables/cleanup.go}, what {@link CleanupRules} lists) to
 * one family and variant. Deletes only what kube-proxy writes: the jump rules (except the KUBE-FIREWALL ones kubelet
 * also owns), the fixed KUBE chains of nat and filter, every nat service chain, and the mangle canary. Idempotent:
 * absent rules and chains are skipped. Every step is attempted; failures are returned, not thrown.
 */
final class IptablesCleanup {

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
            if (ipt.listChain(Iptables.MANGLE, CleanupRules.MANGLE_CANARY).isPresent()) {
                ipt.flushChain(Iptables.MANGLE, CleanupRules.MANGLE_CANARY);
                ipt.deleteChain(Iptables.MANGLE, CleanupRules.MANGLE_CANARY);
            }
        } catch (IptablesException e) {
            errors.add(ipt.variant() + " " + family + ": " + e.getMessage());
        }
        return errors;
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
