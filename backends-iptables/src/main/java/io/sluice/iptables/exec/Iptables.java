package io.sluice.iptables.exec;

import io.sluice.core.exec.IptablesVersion;

import io.sluice.core.exec.IptablesVariant;

import io.sluice.core.model.IpFamily;

import java.util.List;
import java.util.Optional;

/**
 * The iptables tools of one family ({@code iptables*} or {@code ip6tables*}) and one variant (legacy or nft), as
 * kube-proxy's {@code pkg/util/iptables.Interface} uses them. Implementations: {@link ProcessIptables} (the real
 * binaries through {@link io.sluice.core.exec.CommandRunner}) and {@code FakeIptables} (an in-memory kernel, in the test sources).
 *
 * <p>Chain and rule operations follow the iptables exit-status convention: 1 means "does not exist / already exists",
 * 4 means a resource problem (typically the xtables lock). Methods that can meet "does not exist" say what they
 * return then; any other failure throws {@link IptablesException} carrying the exit status.
 *
 * <p>Thread-safe: the sync thread and the canary monitor may call concurrently.
 */
public interface Iptables {

    /** The tables kube-proxy writes. */
    String FILTER = "filter";
    String NAT = "nat";
    String MANGLE = "mangle";

    IpFamily family();

    IptablesVariant variant();

    /**
     * {@code iptables-restore -w.. --noflush --counters [-T table]} with {@code payload} on stdin: one transaction per
     * table. With {@code --noflush} a chain declared with {@code :NAME} is created or flushed and every undeclared
     * chain stays as it is. On failure nothing of the failing table is applied.
     *
     * @param table the only table the payload may touch, or empty for all tables of the payload
     * @throws IptablesException when the restore is rejected
     */
    void restore(String payload, Optional<String> table) throws IptablesException;

    /**
     * {@link #restore(String, Optional)} of a chunked payload. Implementations over a process stream it into the
     * tool's stdin; this default joins it (fakes).
     */
    default void restore(io.sluice.iptables.render.RestorePayload payload, Optional<String> table)
            throws IptablesException {
        restore(payload.toString(), table);
    }

    /** {@code iptables-save -t table}: the table as restore text. */
    String save(String table) throws IptablesException;

    /**
     * The chains declared in {@code iptables-save -t table} (kube-proxy's {@code GetChainsFromTable}). Implementations
     * over a process read the tool's output line by line, never holding the table's text; this default parses
     * {@link #save}.
     */
    default java.util.Set<String> declaredChains(String table) throws IptablesException {
        java.util.Set<String> chains = new java.util.HashSet<>();
        saveLines(table, line -> addChain(chains, line));
        return chains;
    }

    /**
     * Hands every line of {@code iptables-save -t table} to {@code lines}, in order. Implementations over a process
     * stream the tool's output, never holding the table's text (tens of MiB at 10,000 services); this default splits
     * {@link #save}.
     */
    default void saveLines(String table, java.util.function.Consumer<String> lines) throws IptablesException {
        for (String line : save(table).split("\n")) {
            lines.accept(line);
        }
    }

    /** Adds the chain a {@code :NAME policy [p:b]} save line declares; ignores other lines. */
    static void addChain(java.util.Set<String> chains, String saveLine) {
        if (saveLine.startsWith(":")) {
            int sp = saveLine.indexOf(' ');
            chains.add(sp < 0 ? saveLine.substring(1) : saveLine.substring(1, sp));
        }
    }

    /** {@code -N chain -t table}, tolerating "already exists". */
    void ensureChain(String table, String chain) throws IptablesException;

    /** {@code -C chain -t table args}: true when the rule exists, false on exit status 1. */
    boolean checkRule(String table, String chain, List<String> args) throws IptablesException;

    /** {@code -I chain -t table args}: inserts at the top. */
    void insertRule(String table, String chain, List<String> args) throws IptablesException;

    /**
     * kube-proxy's {@code EnsureRule(Prepend, ...)}: {@code -C}, then {@code -I} when missing.
     *
     * @return true when the rule was already there
     */
    default boolean ensureRulePrepended(String table, String chain, List<String> args) throws IptablesException {
        if (checkRule(table, chain, args)) {
            return true;
        }
        insertRule(table, chain, args);
        return false;
    }

    /** {@code -D chain -t table args}, tolerating a missing rule or chain (returns false then). */
    boolean deleteRule(String table, String chain, List<String> args) throws IptablesException;

    /**
     * {@code -S chain -t table}: the chain's declaration and rules, or empty when the chain does not exist (exit
     * status 1). Exit status 4 (lock) throws, so a monitor never mistakes a busy lock for a deleted chain.
     */
    Optional<List<String>> listChain(String table, String chain) throws IptablesException;

    /** {@code -F chain -t table}, tolerating a missing chain. */
    void flushChain(String table, String chain) throws IptablesException;

    /** {@code -X chain -t table}, tolerating a missing chain. */
    void deleteChain(String table, String chain) throws IptablesException;

    /** The tool's version, e.g. 1.8.9. */
    IptablesVersion version() throws IptablesException;
}
