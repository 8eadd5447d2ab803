package io.sluice.iptables.exec;

import io.sluice.core.exec.IptablesVersion;

import io.sluice.core.exec.IptablesVariant;

import io.sluice.core.model.IpFamily;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An in-memory netfilter for one family: tables of chains of rules, changed by the same operations and restore
 * payloads as the real tools, and rejecting what the kernel rejects. Public so that other modules' tests can use it.
 *
 * <p>Restore semantics ({@code --noflush}): {@code *table} opens a table; {@code :CHAIN ...} creates a user chain or
 * flushes an existing one (built-in chains are never flushed); {@code -A}, {@code -I}, {@code -D}, {@code -N},
 * {@code -F}, {@code -X} apply in order; {@code COMMIT} closes the table. The whole payload is one transaction: when
 * any line fails (a rule in or a jump to an unknown chain, deleting a chain that is still referenced or not empty
 * or does not exist) nothing of it is applied and {@link IptablesException} reports the line, with exit status 1.
 *
 * <p>Rules are kept as restore text (the part after {@code -A CHAIN}); {@link #checkRule} matches that text exactly,
 * which is how kube-proxy's own rules compare (the real tools canonicalise, the fake does not).
 *
 * <p>Tests can inject rules ({@link #injectRule}), make the next restore or operations fail, and read the calls made.
 * Thread-safe (every method synchronises on the instance).
 */
public final class FakeIptables implements Iptables {
    /** Targets that are not chains (kube-proxy's plus common extensions). */
    private static final Set<String> NON_CHAIN_TARGETS = Set.of("ACCEPT", "DROP", "REJECT", "RETURN", "MARK", "DNAT",
            "SNAT", "MASQUERADE", "LOG", "NFLOG", "CONNMARK", "REDIRECT", "QUEUE", "NFQUEUE", "CT", "NOTRACK",
            "TCPMSS", "CHECKSUM", "TPROXY", "AUDIT", "TRACE");
    private static final Map<String, List<String>> BUILTINS = Map.of(
            "filter", List.of("INPUT", "FORWARD", "OUTPUT"),
            "nat", List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
            "mangle", List.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
            "raw", List.of("PREROUTING", "OUTPUT"),
            "security", List.of("INPUT", "FORWARD", "OUTPUT"));

    private final IpFamily family;
    private final IptablesVariant variant;
    private final IptablesVersion version;
    /** table → chain → rules (restore text after "-A CHAIN "). */
    private Map<String, Map<String, List<String>>> tables = new TreeMap<>();
    private final List<String> restores = new ArrayList<>();
    private final List<List<String>> operations = new ArrayList<>();
    private final List<String> saves = new ArrayList<>();
    private String failNextRestore;
    private Predicate<List<String>> failOperation = op -> false;
    private int failOperationStatus = IptablesException.RESOURCE_PROBLEM;

    public FakeIptables() {
        this(IpFamily.IPv4, IptablesVariant.NFT, new IptablesVersion(1, 8, 9, "nf_tables"));
    }

    public FakeIptables(IpFamily family, IptablesVariant variant, IptablesVersion version) {
        this.family = Objects.requireNonNull(family);
        this.variant = Objects.requireNonNull(variant);
        this.version = Objects.requireNonNull(version);
    }

    @Override
    public IpFamily family() {
        return family;
    }

    @Override
    public IptablesVariant variant() {
        return variant;
    }

    @Override
    public synchronized IptablesVersion version() {
        return version;
    }

    // ---- test hooks ------------------------------------------------------------------------------------------

    /** Appends a rule directly to the kernel state, bypassing the restore checks except that the chain must exist. */
    public synchronized void injectRule(String table, String chain, String ruleText) {
        List<String> rules = table(tables, table).get(chain);
        if (rules == null) {
            throw new IllegalArgumentException("no chain " + chain + " in " + table);
        }
        rules.add(ruleText);
    }

    /** Creates a chain directly (test setup of foreign chains). */
    public synchronized void injectChain(String table, String chain) {
        table(tables, table).putIfAbsent(chain, new ArrayList<>());
    }

    /** Removes a chain (and every rule in it) unconditionally, as someone flushing the table would. */
    public synchronized void removeChainForcibly(String table, String chain) {
        table(tables, table).remove(chain);
    }

    /** The next restore fails with this message and changes nothing. */
    public synchronized void failNextRestore(String message) {
        failNextRestore = message;
    }

    /** Chain/rule operations ({@code ["-S", chain, table]}, ...) matching {@code which} fail with {@code status}. */
    public synchronized void failOperations(Predicate<List<String>> which, int status) {
        failOperation = which;
        failOperationStatus = status;
    }

    /** Every restore payload received, accepted or not, in order. */
    public synchronized List<String> restores() {
        return List.copyOf(restores);
    }

    /** The table of every {@link #save} call, in order. */
    public synchronized List<String> saves() {
        return List.copyOf(saves);
    }

    /** Every chain/rule operation as {@code [op, chain, table, args...]}, in order. */
    public synchronized List<List<String>> operations() {
        return List.copyOf(operations);
    }

    /** The chains of a table, in save order, or an empty set. */
    public synchronized List<String> chains(String table) {
        return List.copyOf(sortedChains(table, table(tables, table)));
    }

    /** The rules of a chain, or empty when the chain does not exist. */
    public synchronized Optional<List<String>> rules(String table, String chain) {
        List<String> r = table(tables, table).get(chain);
        return r == null ? Optional.empty() : Optional.of(List.copyOf(r));
    }

    // ---- Iptables -----------------------------------------------------------------------------------------------

    @Override
    public synchronized void restore(String payload, Optional<String> onlyTable) throws IptablesException {
        restores.add(payload);
        if (failNextRestore != null) {
            String m = failNextRestore;
            failNextRestore = null;
            throw new IptablesException("iptables-restore: " + m, 1);
        }
        Map<String, Map<String, List<String>>> work = deepCopy(tables);
        Map<String, List<String>> current = null;
        String currentName = null;
        String[] lines = payload.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("*")) {
                    if (current != null) {
                        throw new IllegalStateException("table " + currentName + " not committed");
                    }
                    currentName = line.substring(1).strip();
                    if (!BUILTINS.containsKey(currentName)) {
                        throw new IllegalStateException("unknown table " + currentName);
                    }
                    if (onlyTable.isPresent() && !onlyTable.get().equals(currentName)) {
                        throw new IllegalStateException("table " + currentName + " not allowed with -T");
                    }
                    current = table(work, currentName);
                } else if (line.equals("COMMIT")) {
                    if (current == null) {
                        throw new IllegalStateException("COMMIT outside a table");
                    }
                    checkJumps(currentName, current);
                    current = null;
                } else if (current == null) {
                    throw new IllegalStateException("no table open");
                } else if (line.startsWith(":")) {
                    String chain = line.substring(1).split("\\s+")[0];
                    if (!isBuiltin(currentName, chain)) {
                        current.computeIfAbsent(chain, c -> new ArrayList<>()).clear();
                    }
                } else {
                    apply(currentName, current, RuleText.split(line));
                }
            } catch (RuntimeException e) {
                throw new IptablesException(variant.binary(family, "restore") + ": line " + (n + 1) + " failed: "
                        + e.getMessage() + ": " + line, 1);
            }
        }
        if (current != null) {
            throw new IptablesException(variant.binary(family, "restore") + ": COMMIT expected at end of "
                    + currentName, 1);
        }
        tables = work;
    }

    @Override
    public synchronized String save(String table) {
        saves.add(table);
        if (!BUILTINS.containsKey(table)) {
            return "";
        }
        Map<String, List<String>> t = table(tables, table);
        StringBuilder sb = new StringBuilder("*").append(table).append('\n');
        List<String> order = sortedChains(table, t);
        for (String c : order) {
            sb.append(':').append(c).append(isBuiltin(table, c) ? " ACCEPT" : " -").append(" [0:0]\n");
        }
        for (String c : order) {
            for (String r : t.get(c)) {
                sb.append("-A ").append(c).append(' ').append(r).append('\n');
            }
        }
        return sb.append("COMMIT\n").toString();
    }

    @Override
    public synchronized void ensureChain(String table, String chain) throws IptablesException {
        record("-N", chain, table, List.of());
        table(tables, table).putIfAbsent(chain, new ArrayList<>());
    }

    @Override
    public synchronized boolean checkRule(String table, String chain, List<String> args) throws IptablesException {
        record("-C", chain, table, args);
        List<String> rules = table(tables, table).get(chain);
        return rules != null && rules.contains(RuleText.join(args));
    }

    @Override
    public synchronized void insertRule(String table, String chain, List<String> args) throws IptablesException {
        record("-I", chain, table, args);
        Map<String, List<String>> t = table(tables, table);
        List<String> rules = t.get(chain);
        if (rules == null) {
            throw new IptablesException("iptables: No chain/target/match by that name.", 1);
        }
        String target = RuleText.target(args);
        if (target != null && !NON_CHAIN_TARGETS.contains(target) && !t.containsKey(target)) {
            throw new IptablesException("iptables: Couldn't load target `" + target + "'", 2);
        }
        rules.add(0, RuleText.join(args));
    }

    @Override
    public synchronized boolean deleteRule(String table, String chain, List<String> args) throws IptablesException {
        record("-D", chain, table, args);
        List<String> rules = table(tables, table).get(chain);
        return rules != null && rules.remove(RuleText.join(args));
    }

    @Override
    public synchronized Optional<List<String>> listChain(String table, String chain) throws IptablesException {
        record("-S", chain, table, List.of());
        List<String> rules = table(tables, table).get(chain);
        if (rules == null) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        out.add((isBuiltin(table, chain) ? "-P " + chain + " ACCEPT" : "-N " + chain));
        rules.forEach(r -> out.add("-A " + chain + " " + r));
        return Optional.of(out);
    }

    @Override
    public synchronized void flushChain(String table, String chain) throws IptablesException {
        record("-F", chain, table, List.of());
        List<String> rules = table(tables, table).get(chain);
        if (rules != null) {
            rules.clear();
        }
    }

    @Override
    public synchronized void deleteChain(String table, String chain) throws IptablesException {
        record("-X", chain, table, List.of());
        Map<String, List<String>> t = table(tables, table);
        if (!t.containsKey(chain)) {
            return;
        }
        try {
            delete(table, t, chain);
        } catch (IllegalStateException e) {
            throw new IptablesException("iptables: " + e.getMessage(), 1);
        }
    }

    // ---- internals ----------------------------------------------------------------------------------------------

    private void record(String op, String chain, String table, List<String> args) throws IptablesException {
        List<String> call = new ArrayList<>(List.of(op, chain, table));
        call.addAll(args);
        operations.add(List.copyOf(call));
        if (failOperation.test(call)) {
            throw new IptablesException("iptables: injected failure of " + call, failOperationStatus);
        }
    }

    private void apply(String tableName, Map<String, List<String>> t, List<String> w) {
        if (w.size() < 2) {
            throw new IllegalStateException("bad command");
        }
        String op = w.get(0);
        String chain = w.get(1);
        List<String> spec = w.subList(2, w.size());
        switch (op) {
            case "-A", "--append" -> existing(t, chain).add(checkedRule(tableName, t, spec));
            case "-I", "--insert" -> {
                List<String> rules = existing(t, chain);
                int pos = 0;
                if (!spec.isEmpty() && spec.get(0).matches("\\d+")) {
                    pos = Math.min(Integer.parseInt(spec.get(0)) - 1, rules.size());
                    spec = spec.subList(1, spec.size());
                }
                rules.add(Math.max(pos, 0), checkedRule(tableName, t, spec));
            }
            case "-D", "--delete" -> {
                if (!existing(t, chain).remove(RuleText.join(spec))) {
                    throw new IllegalStateException("Bad rule (does a matching rule exist in that chain?)");
                }
            }
            case "-N", "--new-chain" -> {
                if (t.containsKey(chain)) {
                    throw new IllegalStateException("Chain already exists");
                }
                t.put(chain, new ArrayList<>());
            }
            case "-F", "--flush" -> existing(t, chain).clear();
            case "-X", "--delete-chain" -> {
                existing(t, chain);
                delete(tableName, t, chain);
            }
            default -> throw new IllegalStateException("unknown command " + op);
        }
    }

    private String checkedRule(String tableName, Map<String, List<String>> t, List<String> spec) {
        String target = RuleText.target(spec);
        if (target != null && !NON_CHAIN_TARGETS.contains(target) && !t.containsKey(target)) {
            throw new IllegalStateException("Couldn't load target `" + target + "'");
        }
        if (target != null && isBuiltin(tableName, target)) {
            throw new IllegalStateException("cannot jump to built-in chain " + target);
        }
        return RuleText.join(spec);
    }

    private static List<String> existing(Map<String, List<String>> t, String chain) {
        List<String> rules = t.get(chain);
        if (rules == null) {
            throw new IllegalStateException("No chain/target/match by that name (" + chain + ")");
        }
        return rules;
    }

    /** The kernel refuses to delete a built-in chain, a chain with rules, or a chain some rule jumps to. */
    private void delete(String tableName, Map<String, List<String>> t, String chain) {
        if (isBuiltin(tableName, chain)) {
            throw new IllegalStateException("cannot delete built-in chain " + chain);
        }
        if (!t.get(chain).isEmpty()) {
            throw new IllegalStateException("Directory not empty (chain " + chain + " has rules)");
        }
        for (Map.Entry<String, List<String>> e : t.entrySet()) {
            for (String r : e.getValue()) {
                if (chain.equals(RuleText.target(RuleText.split(r)))) {
                    throw new IllegalStateException("Too many links (chain " + chain + " is referenced from "
                            + e.getKey() + ")");
                }
            }
        }
        t.remove(chain);
    }

    private void checkJumps(String tableName, Map<String, List<String>> t) {
        for (Map.Entry<String, List<String>> e : t.entrySet()) {
            for (String r : e.getValue()) {
                String target = RuleText.target(RuleText.split(r));
                if (target != null && !NON_CHAIN_TARGETS.contains(target) && !t.containsKey(target)) {
                    throw new IllegalStateException("chain " + e.getKey() + " jumps to missing chain " + target
                            + " in " + tableName);
                }
            }
        }
    }

    private static boolean isBuiltin(String table, String chain) {
        return BUILTINS.getOrDefault(table, List.of()).contains(chain);
    }

    private static Map<String, List<String>> table(Map<String, Map<String, List<String>>> all, String table) {
        return all.computeIfAbsent(table, name -> {
            Map<String, List<String>> t = new LinkedHashMap<>();
            for (String b : BUILTINS.getOrDefault(name, List.of())) {
                t.put(b, new ArrayList<>());
            }
            return t;
        });
    }

    private static List<String> sortedChains(String table, Map<String, List<String>> t) {
        List<String> order = new ArrayList<>();
        for (String b : BUILTINS.getOrDefault(table, List.of())) {
            if (t.containsKey(b)) {
                order.add(b);
            }
        }
        List<String> user = new ArrayList<>();
        for (String c : t.keySet()) {
            if (!isBuiltin(table, c)) {
                user.add(c);
            }
        }
        Collections.sort(user);
        order.addAll(user);
        return order;
    }

    private static Map<String, Map<String, List<String>>> deepCopy(Map<String, Map<String, List<String>>> src) {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        for (Map.Entry<String, Map<String, List<String>>> e : src.entrySet()) {
            Map<String, List<String>> t = new LinkedHashMap<>();
            e.getValue().forEach((c, r) -> t.put(c, new ArrayList<>(r)));
            out.put(e.getKey(), t);
        }
        return out;
    }
}
