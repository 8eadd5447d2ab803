package io.sluice.iptables.render;

import static io.sluice.iptables.render.ChainNames.KUBE_EXTERNAL_SERVICES;
import static io.sluice.iptables.render.ChainNames.KUBE_FIREWALL;
import static io.sluice.iptables.render.ChainNames.KUBE_FORWARD;
import static io.sluice.iptables.render.ChainNames.KUBE_MARK_MASQ;
import static io.sluice.iptables.render.ChainNames.KUBE_NODEPORTS;
import static io.sluice.iptables.render.ChainNames.KUBE_POSTROUTING;
import static io.sluice.iptables.render.ChainNames.KUBE_PROXY_FIREWALL;
import static io.sluice.iptables.render.ChainNames.KUBE_SERVICES;

/** The top-level chains the payload declares, in upstream's declaration order per table (pkg/proxy/iptables/proxier.go syncProxyRules). */
enum TopChain {
    FILTER_SERVICES("filter", KUBE_SERVICES),
    FILTER_EXTERNAL_SERVICES("filter", KUBE_EXTERNAL_SERVICES),
    FILTER_FORWARD("filter", KUBE_FORWARD),
    FILTER_NODEPORTS("filter", KUBE_NODEPORTS),
    FILTER_PROXY_FIREWALL("filter", KUBE_PROXY_FIREWALL),
    /** Declared only with localhost node ports (route_localnet martian drop). */
    FILTER_FIREWALL("filter", KUBE_FIREWALL),
    NAT_SERVICES("nat", KUBE_SERVICES),
    NAT_NODEPORTS("nat", KUBE_NODEPORTS),
    NAT_POSTROUTING("nat", KUBE_POSTROUTING),
    NAT_MARK_MASQ("nat", KUBE_MARK_MASQ);

    static final TopChain[] ALL = values();

    final String table;
    final String chain;

    TopChain(String table, String chain) {
        this.table = table;
        this.chain = chain;
    }

    boolean filter() {
        return table.equals("filter");
    }

    String key() {
        return TopLevelChains.key(table, chain);
    }

    static TopChain of(String table, String chain) {
        for (TopChain c : ALL) {
            if (c.table.equals(table) && c.chain.equals(chain)) {
                return c;
            }
        }
        throw new IllegalArgumentException("not a top-level chain: " + table + "/" + chain);
    }
}
