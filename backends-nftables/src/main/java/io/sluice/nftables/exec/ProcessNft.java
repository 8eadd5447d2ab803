package io.sluice.nftables.exec;

import io.sluice.core.exec.CommandRunner;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.NftNames;
import io.sluice.nftables.model.Transaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code nft} run as a process with an argument vector, never through a shell; transactions go to {@code nft -f -}
 * on stdin (what knftables' {@code Run} does). An optional command prefix (e.g. {@code ip netns exec NS}) runs every
 * command inside a network namespace, as the iptables backend's ProcessIptables does; tests and the lab use it.
 */
public final class ProcessNft implements Nft {
    /** Large first syncs of tens of thousands of services take a while in the kernel. */
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final CommandRunner runner;
    private final List<String> prefix;

    /** @param prefix argv prepended to every command, e.g. {@code ["ip", "netns", "exec", "lab-node"]} */
    public ProcessNft(CommandRunner runner, List<String> prefix) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.prefix = List.copyOf(prefix);
    }

    @Override
    public void apply(Transaction tx) throws NftException {
        if (tx.isEmpty()) {
            return;
        }
        run(List.of("nft", "-f", "-"), tx.text(), "nft -f");
    }

    @Override
    public void check(Transaction tx) throws NftException {
        run(List.of("nft", "--check", "-f", "-"), tx.text(), "nft --check -f");
    }

    @Override
    public TableNames listNames(NftFamily family, String table) throws NftException {
        NftNames.name(table);
        String chains = run(List.of("nft", "list", "chains", family.keyword()), "", "nft list chains");
        String sets = run(List.of("nft", "--terse", "list", "sets", family.keyword()), "", "nft --terse list sets");
        Set<String> chainNames = new HashSet<>();
        Set<String> setNames = new HashSet<>();
        boolean exists = parse(chains, family, table, "chain", chainNames);
        parse(sets, family, table, "set", setNames);
        return exists ? new TableNames(true, chainNames, setNames) : TableNames.ABSENT;
    }

    @Override
    public boolean deleteTable(NftFamily family, String table) throws NftException {
        NftNames.name(table);
        CommandRunner.CommandResult r = runner.run(argv(List.of("nft", "delete", "table", family.keyword(), table)), "",
                TIMEOUT);
        if (r.ok()) {
            return true;
        }
        if (r.stderr().contains("No such file or directory")) {
            return false;
        }
        throw new NftException("nft delete table " + family.keyword() + " " + table + ": " + firstLines(r.stderr()));
    }

    /**
     * Collects the {@code kind} names (one tab deep) inside {@code table FAMILY NAME { … }} of {@code nft list}
     * output; returns whether the table appeared.
     */
    static boolean parse(String listing, NftFamily family, String table, String kind, Set<String> out) {
        boolean inTable = false;
        boolean seen = false;
        String header = "table " + family.keyword() + " " + table + " {";
        for (String line : listing.split("\n", -1)) {
            if (line.startsWith("table ")) {
                inTable = line.equals(header);
                seen |= inTable;
            } else if (inTable && line.startsWith("\t" + kind + " ") && line.endsWith(" {")) {
                String name = line.substring(kind.length() + 2, line.length() - 2);
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                out.add(name);
            }
        }
        return seen;
    }

    private String run(List<String> cmd, String stdin, String what) throws NftException {
        CommandRunner.CommandResult r = runner.run(argv(cmd), stdin, TIMEOUT);
        if (!r.ok()) {
            throw new NftException(what + " failed (exit " + r.exitCode() + "): " + firstLines(r.stderr()));
        }
        return r.stdout();
    }

    private List<String> argv(List<String> cmd) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(cmd);
        return full;
    }

    /** nft's error output names the failing line; a few lines are enough for the log. */
    static String firstLines(String s) {
        String[] lines = s.strip().split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(lines.length, 6); i++) {
            sb.append(i == 0 ? "" : " | ").append(NftNames.printable(lines[i]));
        }
        return sb.toString();
    }
}
