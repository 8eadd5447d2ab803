package io.sluice.nftables.model;

/**
 * Renders transactions to the text {@code nft -f} reads, one operation per {@code \n}-terminated line, always with
 * explicit family and table, exactly as sigs.k8s.io/knftables writes them (objects.go {@code writeOperation}):
 * <pre>
 * add table ip kube-proxy { comment "rules for kube-proxy" ; }
 * add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }
 * add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
 * add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "…" ; }
 * add element ip kube-proxy no-endpoint-services { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain }
 * delete element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 }
 * </pre>
 * Pure and thread-safe.
 */
public final class NftText {
    private NftText() {
    }

    public static String write(Transaction tx) {
        StringBuilder sb = new StringBuilder(tx.size() * 64);
        for (Operation op : tx.operations()) {
            line(sb, tx.family(), tx.table(), op);
            sb.append('\n');
        }
        return sb.toString();
    }

    /** One operation's line, without the newline. */
    public static String line(NftFamily family, String table, Operation op) {
        StringBuilder sb = new StringBuilder();
        line(sb, family, table, op);
        return sb.toString();
    }

    private static void line(StringBuilder sb, NftFamily family, String table, Operation op) {
        Verb verb = op.verb();
        boolean definition = verb == Verb.ADD || verb == Verb.CREATE;
        String prefix = " " + family.keyword() + " " + table;
        sb.append(verb.text());
        NftObject o = op.object();
        if (o instanceof Table t) {
            sb.append(" table").append(prefix);
            if (definition && t.comment() != null) {
                sb.append(" { comment ").append(NftNames.quote(t.comment())).append(" ; }");
            }
        } else if (o instanceof Chain c) {
            sb.append(" chain").append(prefix).append(' ').append(c.name());
            if (definition && (c.base() != null || c.comment() != null)) {
                sb.append(" {");
                if (c.base() != null) {
                    sb.append(" type ").append(c.base().type().name().toLowerCase(java.util.Locale.ROOT))
                            .append(" hook ").append(c.base().hook().name().toLowerCase(java.util.Locale.ROOT))
                            .append(" priority ").append(c.base().priority()).append(" ;");
                }
                if (c.comment() != null) {
                    sb.append(" comment ").append(NftNames.quote(c.comment())).append(" ;");
                }
                sb.append(" }");
            }
        } else if (o instanceof Rule r) {
            sb.append(" rule").append(prefix).append(' ').append(r.chain()).append(' ').append(r.text(family));
        } else if (o instanceof NftSet s) {
            sb.append(' ').append(s.keyword()).append(prefix).append(' ').append(s.name());
            if (definition) {
                sb.append(' ').append(s.body());
            }
        } else if (o instanceof Element e) {
            sb.append(" element").append(prefix).append(' ').append(e.set()).append(' ')
                    .append(definition ? e.body() : e.keyOnly().body());
        } else {
            throw new IllegalStateException("unknown object " + o);
        }
    }
}
