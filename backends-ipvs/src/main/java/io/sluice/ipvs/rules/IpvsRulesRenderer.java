package io.sluice.ipvs.rules;

import io.sluice.core.model.IpFamily;
import io.sluice.ipvs.ipset.IpsetSpec;
import io.sluice.ipvs.ipset.KubeIpsets;

import java.util.ArrayList;
import java.util.List;

/**
 * Pure renderer of the {@code iptables-restore} payload of kube-proxy's IPVS mode ({@code writeIptablesRules} and
 * {@code createAndLinkKubeChain} in {@code pkg/proxy/ipvs/proxier.go}): {@code *nat}, its chain lines and rules,
 * {@code COMMIT}, then {@code *filter} likewise. Rule text and order are upstream's; words are joined by one space
 * and comments containing spaces carry literal double quotes, as kube-proxy's {@code LineBuffer} writes them.
 *
 * <p>Only fixed words, set names, canonical addresses, numbers and lower-case protocols appear in the output.
 */
public final class IpvsRulesRenderer {

    /** One row of upstream's {@code ipsetWithIptablesChain}. */
    private record SetJump(String set, String table, String from, String to, String matchType, String proto) {
    }

    // Note: the -LOCAL node-port sets must come before the plain ones (upstream comment).
    private static final List<SetJump> SET_JUMPS = List.of(
            new SetJump(KubeIpsets.LOOP_BACK, IpvsChains.NAT, IpvsChains.POSTROUTING, "MASQUERADE", "dst,dst,src", ""),
            new SetJump(KubeIpsets.LOAD_BALANCER, IpvsChains.NAT, IpvsChains.SERVICES, IpvsChains.LOAD_BALANCER,
                    "dst,dst", ""),
            new SetJump(KubeIpsets.LOAD_BALANCER_LOCAL, IpvsChains.NAT, IpvsChains.LOAD_BALANCER, "RETURN",
                    "dst,dst", ""),
            new SetJump(KubeIpsets.NODE_PORT_LOCAL_TCP, IpvsChains.NAT, IpvsChains.NODE_PORT, "RETURN", "dst", "tcp"),
            new SetJump(KubeIpsets.NODE_PORT_TCP, IpvsChains.NAT, IpvsChains.NODE_PORT, IpvsChains.MARK_MASQ, "dst",
                    "tcp"),
            new SetJump(KubeIpsets.NODE_PORT_LOCAL_UDP, IpvsChains.NAT, IpvsChains.NODE_PORT, "RETURN", "dst", "udp"),
            new SetJump(KubeIpsets.NODE_PORT_UDP, IpvsChains.NAT, IpvsChains.NODE_PORT, IpvsChains.MARK_MASQ, "dst",
                    "udp"),
            new SetJump(KubeIpsets.NODE_PORT_LOCAL_SCTP, IpvsChains.NAT, IpvsChains.NODE_PORT, "RETURN", "dst,dst",
                    "sctp"),
            new SetJump(KubeIpsets.NODE_PORT_SCTP, IpvsChains.NAT, IpvsChains.NODE_PORT, IpvsChains.MARK_MASQ,
                    "dst,dst", "sctp"),
            new SetJump(KubeIpsets.LOAD_BALANCER_FW, IpvsChains.FILTER, IpvsChains.PROXY_FIREWALL,
                    IpvsChains.SOURCE_RANGES_FIREWALL, "dst,dst", ""),
            new SetJump(KubeIpsets.LOAD_BALANCER_SOURCE_CIDR, IpvsChains.FILTER, IpvsChains.SOURCE_RANGES_FIREWALL,
                    "RETURN", "dst,dst,src", ""),
            new SetJump(KubeIpsets.LOAD_BALANCER_SOURCE_IP, IpvsChains.FILTER, IpvsChains.SOURCE_RANGES_FIREWALL,
                    "RETURN", "dst,dst,src", ""));

    private IpvsRulesRenderer() {
    }

    public static String render(IpvsRulesInput in) {
        IpFamily f = in.family();
        String mark = in.masqueradeMark();
        List<String> natChains = new ArrayList<>();
        List<String> filterChains = new ArrayList<>();
        List<String> nat = new ArrayList<>();
        List<String> filter = new ArrayList<>();
        natChains.add("*nat");
        filterChains.add("*filter");
        for (IpvsChains.TableChain c : IpvsChains.CHAINS) {
            (c.table().equals(IpvsChains.NAT) ? natChains : filterChains).add(":" + c.chain() + " - [0:0]");
        }

        // Dismiss connections to localhost early in the service chain.
        nat.add(line("-A", IpvsChains.SERVICES, "-s", f == IpFamily.IPv4 ? "127.0.0.0/8" : "::1/128", "-j", "RETURN"));

        for (SetJump j : SET_JUMPS) {
            if (!in.nonEmptySets().contains(j.set())) {
                continue;
            }
            IpsetSpec s = KubeIpsets.spec(j.set(), f);
            List<String> w = new ArrayList<>(List.of("-A", j.from()));
            if (!j.proto().isEmpty()) {
                w.addAll(List.of("-p", j.proto()));
            }
            w.addAll(List.of("-m", "comment", "--comment", s.quotedComment(), "-m", "set", "--match-set", s.name(),
                    j.matchType(), "-j", j.to()));
            (j.table().equals(IpvsChains.NAT) ? nat : filter).add(String.join(" ", w));
        }

        if (in.nonEmptySets().contains(KubeIpsets.CLUSTER_IP)) {
            IpsetSpec s = KubeIpsets.spec(KubeIpsets.CLUSTER_IP, f);
            String base = line("-A", IpvsChains.SERVICES, "-m", "comment", "--comment", s.quotedComment(),
                    "-m", "set", "--match-set", s.name());
            if (in.masqueradeAll()) {
                nat.add(base + " dst,dst -j " + IpvsChains.MARK_MASQ);
            } else if (!in.ifNotLocal().isEmpty()) {
                // Masquerade off-cluster traffic to a service VIP (a static route to any node bridges into it).
                nat.add(base + " dst,dst " + String.join(" ", in.ifNotLocal()) + " -j " + IpvsChains.MARK_MASQ);
            } else {
                // Node-originated traffic picks a VIP on kube-ipvs0 as source: masquerade VIP:port sources.
                nat.add(base + " src,dst -j " + IpvsChains.MARK_MASQ);
            }
        }
        if (in.nonEmptySets().contains(KubeIpsets.EXTERNAL_IP)) {
            String args = setMatch(KubeIpsets.EXTERNAL_IP, f);
            nat.add(args + " -j " + IpvsChains.MARK_MASQ);
            externalIpRules(nat, args);
        }
        if (in.nonEmptySets().contains(KubeIpsets.EXTERNAL_IP_LOCAL)) {
            externalIpRules(nat, setMatch(KubeIpsets.EXTERNAL_IP_LOCAL, f));
        }
        nat.add(line("-A", IpvsChains.SERVICES, "-m", "addrtype", "--dst-type", "LOCAL", "-j", IpvsChains.NODE_PORT));
        nat.add(line("-A", IpvsChains.LOAD_BALANCER, "-j", IpvsChains.MARK_MASQ));
        filter.add(line("-A", IpvsChains.SOURCE_RANGES_FIREWALL, "-j", "DROP"));
        for (IpvsRulesInput.LbNoNodeAccess e : in.lbNoNodeAccess()) {
            filter.add(line("-A", IpvsChains.IPVS_OUT_FILTER, "-s", e.ip(), "-m", "ipvs", "--vaddr", e.ip(),
                    "--vproto", e.protocol(), "--vport", Integer.toString(e.port()), "-j", "DROP"));
        }
        // Accept traffic to IPVS virtual services in case later rules would block it (must end KUBE-SERVICES).
        for (String set : List.of(KubeIpsets.CLUSTER_IP, KubeIpsets.LOAD_BALANCER)) {
            if (in.nonEmptySets().contains(set)) {
                nat.add(line("-A", IpvsChains.SERVICES, "-m", "set", "--match-set", KubeIpsets.spec(set, f).name(),
                        "dst,dst", "-j", "ACCEPT"));
            }
        }
        filter.add(line("-A", IpvsChains.FORWARD, "-m", "comment", "--comment", "\"kubernetes forwarding rules\"",
                "-m", "mark", "--mark", mark + "/" + mark, "-j", "ACCEPT"));
        filter.add(line("-A", IpvsChains.FORWARD, "-m", "comment", "--comment",
                "\"kubernetes forwarding conntrack rule\"", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED",
                "-j", "ACCEPT"));
        IpsetSpec hc = KubeIpsets.spec(KubeIpsets.HEALTH_CHECK_NODE_PORT, f);
        filter.add(line("-A", IpvsChains.NODE_PORT, "-m", "comment", "--comment", hc.quotedComment(),
                "-m", "set", "--match-set", hc.name(), "dst", "-j", "ACCEPT"));
        // Prevent access to host ports through VIP addresses (kubernetes issue 72236).
        for (String set : List.of(KubeIpsets.LOAD_BALANCER, KubeIpsets.CLUSTER_IP, KubeIpsets.EXTERNAL_IP,
                KubeIpsets.EXTERNAL_IP_LOCAL)) {
            filter.add(line("-A", IpvsChains.IPVS_FILTER, "-m", "set", "--match-set", KubeIpsets.spec(set, f).name(),
                    "dst,dst", "-j", "RETURN"));
        }
        filter.add(line("-A", IpvsChains.IPVS_FILTER, "-m", "set", "--match-set", hc.name(), "dst", "-j", "RETURN"));
        filter.add(line("-A", IpvsChains.IPVS_FILTER, "-m", "conntrack", "--ctstate", "NEW", "-m", "set",
                "--match-set", KubeIpsets.spec(KubeIpsets.IPVS_IPS, f).name(), "dst", "-j", "REJECT"));

        nat.add(line("-A", IpvsChains.POSTROUTING, "-m", "mark", "!", "--mark", mark + "/" + mark, "-j", "RETURN"));
        // Clear the mark so a packet that re-traverses the stack is not masqueraded twice.
        nat.add(line("-A", IpvsChains.POSTROUTING, "-j", "MARK", "--xor-mark", mark));
        nat.add(line("-A", IpvsChains.POSTROUTING, "-m", "comment", "--comment",
                "\"kubernetes service traffic requiring SNAT\"", "-j", "MASQUERADE")
                + (in.randomFully() ? " --random-fully" : ""));
        nat.add(line("-A", IpvsChains.MARK_MASQ, "-j", "MARK", "--or-mark", mark));
        nat.add("COMMIT");
        filter.add("COMMIT");

        StringBuilder sb = new StringBuilder();
        for (List<String> part : List.of(natChains, nat, filterChains, filter)) {
            for (String l : part) {
                sb.append(l).append('\n');
            }
        }
        return sb.toString();
    }

    private static String setMatch(String set, IpFamily f) {
        IpsetSpec s = KubeIpsets.spec(set, f);
        return line("-A", IpvsChains.SERVICES, "-m", "comment", "--comment", s.quotedComment(), "-m", "set",
                "--match-set", s.name(), "dst,dst");
    }

    private static void externalIpRules(List<String> nat, String args) {
        // Allow traffic for external IPs that comes neither from a bridge (a container) nor from a local process.
        nat.add(args + " -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT");
        // Traffic to external IPs that are local addresses (e.g. GCE load balancers) stays local.
        nat.add(args + " -m addrtype --dst-type LOCAL -j ACCEPT");
    }

    private static String line(String... words) {
        return String.join(" ", words);
    }
}
