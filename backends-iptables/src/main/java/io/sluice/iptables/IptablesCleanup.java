package io.sluice.iptables;

import io.sluice.core.model.IpFamily;
import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.exec.IptablesException;
import io.sluice.iptables.render.ChainNames;
import io.sluice.iptables.render.JumpRule;
import io.sluice.iptables.render.JumpRules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * kube-proxy's iptables cleanup ({@code pkg/proxy/iptables/cleanup.go}) for one family and variant. Deletes only what
 * kube-proxy writes: the jump rules (except the KUBE-FIREWALL ones kubelet also owns), the fixed KUBE chains of nat
 * and filter, every nat service chain, and the mangle canary. Idempotent: absent rules and chains are skipped.
 */
final class IptablesCleanup {
    /** nat chains kube-proxy deletes, besides the service chains. */
    static final List<String> NAT_CHAINS = List.of("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING",
            "KUBE-MARK-MASQ", CanaryMonitor.CANARY);
    static final List<String> FILTER_CHAINS = List.of("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD",
            "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL", CanaryMonitor.CANARY);
    /** kubelet's chain: its jumps and its rules are not ours to remove. */
    static final String KUBELET_FIREWALL = "KUBE-FIREWALL";

    private IptablesCleanup() {
    }

    /** @return error messages; empty when everything went */
    static List<String> run(Iptables ipt) {
        List<String> errors = new ArrayList<>();
        IpFamily family = ipt.family();
        for (JumpRule j : JumpRules.forFamily(family)) {
            if (j.toChain().equals(KUBELET_FIREWALL)) {
                continue;
            }
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
            if (ipt.listChain(Iptables.MANGLE, CanaryMonitor.CANARY).isPresent()) {
                ipt.flushChain(Iptables.MANGLE, CanaryMonitor.CANARY);
                ipt.deleteChain(Iptables.MANGLE, CanaryMonitor.CANARY);
            }
        } catch (IptablesException e) {
            errors.add(ipt.variant() + " " + family + ": " + e.getMessage());
        }
        return errors;
    }

    /** One restore that flushes ({@code :CHAIN}) then deletes ({@code -X}) our chains present in the table. */
    private static void cleanTable(Iptables ipt, String table, List<String> errors) {
        try {
            Set<String> present = IptablesBackend.natChains(ipt.save(table));
            List<String> ours = new ArrayList<>();
            for (String chain : present) {
                boolean fixed = (table.equals(Iptables.NAT) ? NAT_CHAINS : FILTER_CHAINS).contains(chain);
                boolean service = table.equals(Iptables.NAT) && ChainNames.isServiceChain(chain);
                if (fixed || service) {
                    ours.add(chain);
                }
            }
            if (ours.isEmpty()) {
                return;
            }
            StringBuilder sb = new StringBuilder("*").append(table).append('\n');
            ours.forEach(c -> sb.append(':').append(c).append(" - [0:0]\n"));
            ours.forEach(c -> sb.append("-X ").append(c).append('\n'));
            sb.append("COMMIT\n");
            ipt.restore(sb.toString(), Optional.of(table));
        } catch (IptablesException e) {
            errors.add(ipt.variant() + " " + ipt.family() + " " + table + ": " + e.getMessage());
        }
    }
}
