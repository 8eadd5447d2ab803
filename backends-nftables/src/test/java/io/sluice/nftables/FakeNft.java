package io.sluice.nftables;

import io.sluice.nftables.exec.Nft;
import io.sluice.nftables.exec.NftException;
import io.sluice.nftables.exec.TableNames;
import io.sluice.nftables.model.Chain;
import io.sluice.nftables.model.Element;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.NftObject;
import io.sluice.nftables.model.NftSet;
import io.sluice.nftables.model.NftText;
import io.sluice.nftables.model.Operation;
import io.sluice.nftables.model.Rule;
import io.sluice.nftables.model.Statement;
import io.sluice.nftables.model.Table;
import io.sluice.nftables.model.Transaction;
import io.sluice.nftables.model.Verb;
import io.sluice.nftables.model.Verdict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * In-memory nftables for tests: applies transactions atomically with knftables Fake semantics ({@code add} of an
 * existing object is a no-op, {@code add element} replaces the element) plus the kernel checks that matter here:
 * references from rules and verdict-map elements must resolve, a referenced chain or set cannot be deleted, deleting
 * or flushing something absent fails. {@link #dump} prints the state as knftables' {@code Fake.Dump} does.
 */
final class FakeNft implements Nft {
    /** One table's state. */
    static final class FakeTable {
        Table table;
        final Map<String, Chain> chains = new TreeMap<>();
        final Map<String, List<Rule>> rules = new TreeMap<>();
        final Map<String, NftSet> sets = new TreeMap<>();
        final Map<String, LinkedHashMap<String, Element>> elements = new TreeMap<>();

        FakeTable copy() {
            FakeTable t = new FakeTable();
            t.table = table;
            t.chains.putAll(chains);
            rules.forEach((k, v) -> t.rules.put(k, new ArrayList<>(v)));
            t.sets.putAll(sets);
            elements.forEach((k, v) -> t.elements.put(k, new LinkedHashMap<>(v)));
            return t;
        }
    }

    private final Map<String, FakeTable> tables = new TreeMap<>();
    private final List<Transaction> applied = new ArrayList<>();
    private Predicate<Transaction> failWhen = tx -> false;
    int listCalls;

    /** Every transaction applied successfully, in order. */
    List<Transaction> applied() {
        return applied;
    }

    Transaction lastApplied() {
        return applied.get(applied.size() - 1);
    }

    /** Makes transactions matching {@code p} fail (until replaced). */
    void failWhen(Predicate<Transaction> p) {
        failWhen = p;
    }

    FakeTable table(NftFamily f, String name) {
        return tables.get(f.keyword() + " " + name);
    }

    @Override
    public void apply(Transaction tx) throws NftException {
        if (tx.isEmpty()) {
            return;
        }
        if (failWhen.test(tx)) {
            throw new NftException("injected failure");
        }
        String key = tx.family().keyword() + " " + tx.table();
        FakeTable t = tables.containsKey(key) ? tables.get(key).copy() : null;
        for (Operation op : tx.operations()) {
            String line = NftText.line(tx.family(), tx.table(), op);
            if (op.object() instanceof Table tab) {
                switch (op.verb()) {
                    case ADD -> t = t == null ? newTable(tab) : t;
                    case CREATE -> {
                        if (t != null) {
                            throw new NftException("exists: " + line);
                        }
                        t = newTable(tab);
                    }
                    case DELETE -> {
                        if (t == null) {
                            throw new NftException("No such file or directory: " + line);
                        }
                        t = null;
                    }
                    case DESTROY -> t = null;
                    case FLUSH -> {
                        if (t == null) {
                            throw new NftException("No such file or directory: " + line);
                        }
                        t.rules.replaceAll((k, v) -> new ArrayList<>());
                    }
                }
                continue;
            }
            if (t == null) {
                throw new NftException("No such file or directory (table): " + line);
            }
            apply(t, op, line);
        }
        if (t == null) {
            tables.remove(key);
        } else {
            tables.put(key, t);
        }
        applied.add(tx);
    }

    private static FakeTable newTable(Table tab) {
        FakeTable t = new FakeTable();
        t.table = tab;
        return t;
    }

    private static void apply(FakeTable t, Operation op, String line) throws NftException {
        NftObject o = op.object();
        Verb v = op.verb();
        if (o instanceof Chain c) {
            boolean exists = t.chains.containsKey(c.name());
            switch (v) {
                case ADD, CREATE -> {
                    if (exists && v == Verb.CREATE) {
                        throw new NftException("File exists: " + line);
                    }
                    if (!exists) {
                        t.chains.put(c.name(), c);
                        t.rules.put(c.name(), new ArrayList<>());
                    } else if (c.base() != null && !java.util.Objects.equals(c.base(), t.chains.get(c.name()).base())) {
                        throw new NftException("Operation not supported (base chain changed): " + line);
                    }
                }
                case FLUSH -> {
                    require(exists, line);
                    t.rules.put(c.name(), new ArrayList<>());
                }
                case DELETE, DESTROY -> {
                    if (!exists && v == Verb.DESTROY) {
                        return;
                    }
                    require(exists, line);
                    if (chainReferenced(t, c.name())) {
                        throw new NftException("Device or resource busy: " + line);
                    }
                    t.chains.remove(c.name());
                    t.rules.remove(c.name());
                }
            }
        } else if (o instanceof Rule r) {
            require(t.chains.containsKey(r.chain()), line);
            for (String ref : chainRefs(r)) {
                require(t.chains.containsKey(ref), line + " (chain " + ref + ")");
            }
            for (String ref : setRefs(r)) {
                require(t.sets.containsKey(ref), line + " (set " + ref + ")");
            }
            t.rules.get(r.chain()).add(r);
        } else if (o instanceof NftSet s) {
            boolean exists = t.sets.containsKey(s.name());
            switch (v) {
                case ADD, CREATE -> {
                    if (exists && v == Verb.CREATE) {
                        throw new NftException("File exists: " + line);
                    }
                    if (!exists) {
                        t.sets.put(s.name(), s);
                        t.elements.put(s.name(), new LinkedHashMap<>());
                    }
                }
                case FLUSH -> {
                    require(exists, line);
                    t.elements.put(s.name(), new LinkedHashMap<>());
                }
                case DELETE, DESTROY -> {
                    if (!exists && v == Verb.DESTROY) {
                        return;
                    }
                    require(exists, line);
                    for (List<Rule> rs : t.rules.values()) {
                        for (Rule r : rs) {
                            if (setRefs(r).contains(s.name())) {
                                throw new NftException("Device or resource busy: " + line);
                            }
                        }
                    }
                    t.sets.remove(s.name());
                    t.elements.remove(s.name());
                }
            }
        } else if (o instanceof Element e) {
            require(t.sets.containsKey(e.set()), line);
            LinkedHashMap<String, Element> els = t.elements.get(e.set());
            switch (v) {
                case ADD, CREATE -> {
                    if (e.value() != null && e.value().chain() != null) {
                        require(t.chains.containsKey(e.value().chain()), line + " (chain " + e.value().chain() + ")");
                    }
                    if (v == Verb.CREATE && els.containsKey(e.keyText())) {
                        throw new NftException("File exists: " + line);
                    }
                    els.put(e.keyText(), e);
                }
                case DELETE -> {
                    require(els.containsKey(e.keyText()), line);
                    els.remove(e.keyText());
                }
                case DESTROY -> els.remove(e.keyText());
                default -> throw new NftException("unsupported: " + line);
            }
        }
    }

    private static void require(boolean ok, String line) throws NftException {
        if (!ok) {
            throw new NftException("No such file or directory: " + line);
        }
    }

    private static boolean chainReferenced(FakeTable t, String chain) {
        for (List<Rule> rs : t.rules.values()) {
            for (Rule r : rs) {
                if (chainRefs(r).contains(chain)) {
                    return true;
                }
            }
        }
        for (Map<String, Element> els : t.elements.values()) {
            for (Element e : els.values()) {
                if (e.value() != null && chain.equals(e.value().chain())) {
                    return true;
                }
            }
        }
        return false;
    }

    static Set<String> chainRefs(Rule r) {
        Set<String> out = new TreeSet<>();
        for (Statement s : r.statements()) {
            if (s instanceof Statement.VerdictStatement vs && vs.verdict().chain() != null) {
                out.add(vs.verdict().chain());
            } else if (s instanceof Statement.NumgenVmap nv) {
                for (Verdict v : nv.verdicts()) {
                    if (v.chain() != null) {
                        out.add(v.chain());
                    }
                }
            }
        }
        return out;
    }

    static Set<String> setRefs(Rule r) {
        Set<String> out = new TreeSet<>();
        for (Statement s : r.statements()) {
            if (s instanceof Statement.SetLookup sl) {
                out.add(sl.set());
            } else if (s instanceof Statement.VmapLookup vl) {
                out.add(vl.map());
            } else if (s instanceof Statement.SetUpdate su) {
                out.add(su.set());
            }
        }
        return out;
    }

    @Override
    public void check(Transaction tx) throws NftException {
        FakeNft copy = new FakeNft();
        tables.forEach((k, v) -> copy.tables.put(k, v.copy()));
        copy.apply(tx);
    }

    @Override
    public TableNames listNames(NftFamily family, String table) {
        listCalls++;
        FakeTable t = table(family, table);
        return t == null ? TableNames.ABSENT : new TableNames(true, t.chains.keySet(), t.sets.keySet().stream()
                .filter(s -> !t.sets.get(s).isMap()).collect(java.util.stream.Collectors.toSet()));
    }

    @Override
    public boolean deleteTable(NftFamily family, String table) {
        return tables.remove(family.keyword() + " " + table) != null;
    }

    /** knftables Fake.Dump of one table: table, chains, sets, maps, rules, elements. Empty when absent. */
    String dump(NftFamily family, String table) {
        FakeTable t = table(family, table);
        if (t == null) {
            return "";
        }
        Transaction.Builder b = Transaction.builder(family, table);
        b.add(t.table);
        t.chains.values().forEach(b::add);
        t.sets.values().stream().filter(s -> !s.isMap()).forEach(b::add);
        t.sets.values().stream().filter(NftSet::isMap).forEach(b::add);
        t.rules.values().forEach(rs -> rs.forEach(b::add));
        t.sets.values().stream().filter(s -> !s.isMap()).forEach(s -> t.elements.get(s.name()).values().forEach(b::add));
        t.sets.values().stream().filter(NftSet::isMap).forEach(s -> t.elements.get(s.name()).values().forEach(b::add));
        return b.build().text();
    }
}
