package io.sluice.nftables.model;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One typed piece of a rule: a match or an action. A rule's text is its statements' texts joined by single spaces
 * (knftables {@code Concat}). The set of shapes is closed: exactly what kube-proxy's nftables mode writes
 * (pkg/proxy/nftables/proxier.go setupNFTables, syncProxyRules, writeServiceToEndpoint*), so an applier can compile each
 * one to netlink expressions.
 */
public sealed interface Statement {

    /** The nft text of this statement in a table of {@code family}. */
    String text(NftFamily family);

    /** Conntrack conditions kube-proxy matches. */
    enum CtCondition {
        /** {@code ct state new}. */
        STATE_NEW("ct state new"),
        /** {@code ct status dnat}. */
        STATUS_DNAT("ct status dnat");

        private final String text;

        CtCondition(String text) {
            this.text = text;
        }
    }

    /** {@code ct state new} / {@code ct status dnat}. */
    record CtMatch(CtCondition condition) implements Statement {
        public CtMatch {
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public String text(NftFamily family) {
            return condition.text;
        }
    }

    /** {@code ip saddr 10.0.0.0/8}, {@code ip daddr != 127.0.0.0/8}, {@code meta l4proto tcp}, {@code iif != br0}. */
    record Compare(Field field, boolean negated, Value value) implements Statement {
        public Compare {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String text(NftFamily family) {
            return field.text(family) + (negated ? " != " : " ") + value.text();
        }
    }

    /** {@code fib saddr type local} / {@code fib daddr type local}. */
    record FibLocal(Field address) implements Statement {
        public FibLocal {
            if (address != Field.SADDR && address != Field.DADDR) {
                throw new IllegalArgumentException("fib takes saddr or daddr, got " + address);
            }
        }

        @Override
        public String text(NftFamily family) {
            return "fib " + (address == Field.SADDR ? "saddr" : "daddr") + " type local";
        }
    }

    /** {@code ip daddr @cluster-ips}, {@code ip saddr . ip daddr . meta l4proto . th dport @hairpin-connections}. */
    record SetLookup(List<Field> key, boolean negated, String set) implements Statement {
        public SetLookup {
            key = List.copyOf(key);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("empty lookup key");
            }
            NftNames.name(set);
        }

        @Override
        public String text(NftFamily family) {
            return keyText(key, family) + (negated ? " != @" : " @") + set;
        }
    }

    /**
     * A match against an anonymous set literal: {@code ip saddr != { 203.0.113.0/25 , 1.2.3.4 }}. {@code compact}
     * joins the members with a bare {@code ,} as kube-proxy writes its service CIDRs
     * ({@code ip daddr { 172.30.0.0/16,172.50.0.0/16 }}); otherwise with {@code " , "} (knftables Concat tokens).
     */
    record AnonymousSetMatch(Field field, boolean negated, List<Value> members, boolean compact) implements Statement {
        public AnonymousSetMatch {
            Objects.requireNonNull(field, "field");
            members = List.copyOf(members);
            if (members.isEmpty()) {
                throw new IllegalArgumentException("empty anonymous set");
            }
        }

        @Override
        public String text(NftFamily family) {
            String joined = members.stream().map(Value::text).collect(Collectors.joining(compact ? "," : " , "));
            return field.text(family) + (negated ? " != { " : " { ") + joined + " }";
        }
    }

    /** {@code ip daddr . meta l4proto . th dport vmap @service-ips}. */
    record VmapLookup(List<Field> key, String map) implements Statement {
        public VmapLookup {
            key = List.copyOf(key);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("empty lookup key");
            }
            NftNames.name(map);
        }

        @Override
        public String text(NftFamily family) {
            return keyText(key, family) + " vmap @" + map;
        }
    }

    /** {@code mark and 0x4000 != 0}: the masquerade bit is set. */
    record MarkIsSet(Mark mark) implements Statement {
        public MarkIsSet {
            Objects.requireNonNull(mark, "mark");
        }

        @Override
        public String text(NftFamily family) {
            return "mark and " + mark.text() + " != 0";
        }
    }

    /** {@code mark set mark or 0x4000} (set the bit) or {@code mark set mark xor 0x4000} (clear it when set). */
    record MarkSet(Mark mark, boolean xor) implements Statement {
        public MarkSet {
            Objects.requireNonNull(mark, "mark");
        }

        @Override
        public String text(NftFamily family) {
            return "mark set mark " + (xor ? "xor " : "or ") + mark.text();
        }
    }

    /** {@code masquerade fully-random}. */
    record Masquerade(boolean fullyRandom) implements Statement {
        @Override
        public String text(NftFamily family) {
            return fullyRandom ? "masquerade fully-random" : "masquerade";
        }
    }

    /** {@code reject}: ICMP port unreachable in an ip/ip6 table. */
    record Reject() implements Statement {
        @Override
        public String text(NftFamily family) {
            return "reject";
        }
    }

    /** {@code dnat to 10.180.0.3:80} / {@code dnat to [fd00::3]:80}. */
    record DnatTo(IpPort target) implements Statement {
        public DnatTo {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public String text(NftFamily family) {
            return "dnat to " + target.hostPort();
        }
    }

    /**
     * {@code dnat ip addr . port to numgen random mod N map { 0 : A . 80 , 1 : B . 80 }}: uniform random choice among the
     * targets, in list order (kube-proxy writeServiceToEndpointDNATs).
     */
    record DnatNumgenMap(List<IpPort> targets) implements Statement {
        public DnatNumgenMap {
            targets = List.copyOf(targets);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("no DNAT targets");
            }
        }

        @Override
        public String text(NftFamily family) {
            StringBuilder sb = new StringBuilder("dnat ").append(family.keyword()).append(" addr . port to numgen random mod ")
                    .append(targets.size()).append(" map { ");
            for (int i = 0; i < targets.size(); i++) {
                if (i > 0) {
                    sb.append(" , ");
                }
                IpPort t = targets.get(i);
                sb.append(i).append(" : ").append(t.addr().text()).append(" . ").append(t.port().text());
            }
            return sb.append(" }").toString();
        }
    }

    /** {@code numgen random mod N vmap { 0 : goto A , 1 : goto B }} (kube-proxy writeServiceToEndpointJumps). */
    record NumgenVmap(List<Verdict> verdicts) implements Statement {
        public NumgenVmap {
            verdicts = List.copyOf(verdicts);
            if (verdicts.isEmpty()) {
                throw new IllegalArgumentException("no verdicts");
            }
        }

        @Override
        public String text(NftFamily family) {
            StringBuilder sb = new StringBuilder("numgen random mod ").append(verdicts.size()).append(" vmap { ");
            for (int i = 0; i < verdicts.size(); i++) {
                if (i > 0) {
                    sb.append(" , ");
                }
                sb.append(i).append(" : ").append(verdicts.get(i).text());
            }
            return sb.append(" }").toString();
        }
    }

    /** {@code update @affinity-… { ip saddr }}: add or refresh the source address in a dynamic set. */
    record SetUpdate(String set, Field key) implements Statement {
        public SetUpdate {
            NftNames.name(set);
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String text(NftFamily family) {
            return "update @" + set + " { " + key.text(family) + " }";
        }
    }

    /** A verdict as the last statement: {@code goto service-…}, {@code jump services}, {@code drop}. */
    record VerdictStatement(Verdict verdict) implements Statement {
        public VerdictStatement {
            Objects.requireNonNull(verdict, "verdict");
        }

        @Override
        public String text(NftFamily family) {
            return verdict.text();
        }
    }

    private static String keyText(List<Field> key, NftFamily family) {
        return key.stream().map(f -> f.text(family)).collect(Collectors.joining(" . "));
    }
}
