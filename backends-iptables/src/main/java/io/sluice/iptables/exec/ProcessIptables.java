package io.sluice.iptables.exec;

import io.sluice.core.exec.IptablesVersion;

import io.sluice.core.exec.IptablesVariant;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.CommandRunner.CommandResult;
import io.sluice.core.model.IpFamily;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Iptables} over the real binaries ({@code iptables-legacy}, {@code ip6tables-nft-restore}, ...), always as
 * argument vectors through {@link CommandRunner}; restore payloads go on stdin. Nothing runs until the first call;
 * the version is probed once, on first need, to pick the wait flags (kube-proxy {@code pkg/util/iptables}:
 * {@code -w 5 -W 100000} from 1.6.2 on, else {@code -w}).
 *
 * <p>An optional command prefix (e.g. {@code ip netns exec slap-x}) runs every tool inside a network namespace; tests
 * and benchmarks use it. Thread-safe.
 */
public final class ProcessIptables implements Iptables {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final CommandRunner runner;
    private final IpFamily family;
    private final IptablesVariant variant;
    private final List<String> prefix;
    private volatile IptablesVersion version;

    public ProcessIptables(CommandRunner runner, IpFamily family, IptablesVariant variant) {
        this(runner, family, variant, List.of());
    }

    /** @param prefix argv prepended to every command, e.g. {@code ["ip", "netns", "exec", "slap-x"]} */
    public ProcessIptables(CommandRunner runner, IpFamily family, IptablesVariant variant, List<String> prefix) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.family = Objects.requireNonNull(family, "family");
        this.variant = Objects.requireNonNull(variant, "variant");
        this.prefix = List.copyOf(prefix);
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
    public void restore(String payload, Optional<String> table) throws IptablesException {
        List<String> argv = new ArrayList<>();
        argv.add(variant.binary(family, "restore"));
        table.ifPresent(t -> {
            argv.add("-T");
            argv.add(t);
        });
        argv.addAll(waitFlags());
        argv.add("--noflush");
        argv.add("--counters");
        CommandResult r = exec(argv, payload);
        if (!r.ok()) {
            throw new IptablesException(variant.binary(family, "restore") + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip(), r.exitCode());
        }
    }

    /** Streams the payload into {@code iptables-restore}'s stdin chunk by chunk. */
    @Override
    public void restore(io.sluice.iptables.render.RestorePayload payload, Optional<String> table)
            throws IptablesException {
        List<String> argv = new ArrayList<>();
        argv.add(variant.binary(family, "restore"));
        table.ifPresent(t -> {
            argv.add("-T");
            argv.add(t);
        });
        argv.addAll(waitFlags());
        argv.add("--noflush");
        argv.add("--counters");
        CommandResult r = runner.run(withPrefix(argv), payload::writeTo, line -> { }, TIMEOUT);
        if (!r.ok()) {
            throw new IptablesException(variant.binary(family, "restore") + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip(), r.exitCode());
        }
    }

    /** Reads {@code iptables-save -t table} line by line; the table's text is never held. */
    @Override
    public void saveLines(String table, java.util.function.Consumer<String> lines) throws IptablesException {
        CommandResult r = runner.run(withPrefix(List.of(variant.binary(family, "save"), "-t", table)),
                CommandRunner.StdinWriter.EMPTY, lines, TIMEOUT);
        if (!r.ok()) {
            throw new IptablesException(variant.binary(family, "save") + " -t " + table + " failed (exit "
                    + r.exitCode() + "): " + r.stderr().strip(), r.exitCode());
        }
    }

    private List<String> withPrefix(List<String> argv) {
        if (prefix.isEmpty()) {
            return argv;
        }
        List<String> full = new ArrayList<>(prefix);
        full.addAll(argv);
        return full;
    }

    @Override
    public String save(String table) throws IptablesException {
        CommandResult r = exec(List.of(variant.binary(family, "save"), "-t", table), "");
        if (!r.ok()) {
            throw new IptablesException(variant.binary(family, "save") + " -t " + table + " failed (exit "
                    + r.exitCode() + "): " + r.stderr().strip(), r.exitCode());
        }
        return r.stdout();
    }

    @Override
    public void ensureChain(String table, String chain) throws IptablesException {
        CommandResult r = op("-N", chain, table, List.of());
        if (!r.ok() && r.exitCode() != 1) {
            throw failure("-N", chain, table, r);
        }
    }

    @Override
    public boolean checkRule(String table, String chain, List<String> args) throws IptablesException {
        CommandResult r = op("-C", chain, table, args);
        if (r.ok()) {
            return true;
        }
        if (r.exitCode() == 1) {
            return false;
        }
        throw failure("-C", chain, table, r);
    }

    @Override
    public void insertRule(String table, String chain, List<String> args) throws IptablesException {
        CommandResult r = op("-I", chain, table, args);
        if (!r.ok()) {
            throw failure("-I", chain, table, r);
        }
    }

    @Override
    public boolean deleteRule(String table, String chain, List<String> args) throws IptablesException {
        CommandResult r = op("-D", chain, table, args);
        if (r.ok()) {
            return true;
        }
        if (r.exitCode() == 1 || r.exitCode() == 2) {
            // 1: no such rule/chain; 2 (nft): "Couldn't load target" when the jump target chain is already gone.
            return false;
        }
        throw failure("-D", chain, table, r);
    }

    @Override
    public Optional<List<String>> listChain(String table, String chain) throws IptablesException {
        CommandResult r = op("-S", chain, table, List.of());
        if (r.ok()) {
            return Optional.of(Arrays.stream(r.stdout().split("\n")).filter(l -> !l.isBlank()).toList());
        }
        if (r.exitCode() == 1) {
            return Optional.empty();
        }
        throw failure("-S", chain, table, r);
    }

    @Override
    public void flushChain(String table, String chain) throws IptablesException {
        CommandResult r = op("-F", chain, table, List.of());
        if (!r.ok() && r.exitCode() != 1) {
            throw failure("-F", chain, table, r);
        }
    }

    @Override
    public void deleteChain(String table, String chain) throws IptablesException {
        CommandResult r = op("-X", chain, table, List.of());
        if (!r.ok() && r.exitCode() != 1) {
            throw failure("-X", chain, table, r);
        }
    }

    @Override
    public IptablesVersion version() throws IptablesException {
        IptablesVersion v = version;
        if (v == null) {
            CommandResult r = exec(List.of(variant.binary(family, ""), "--version"), "");
            v = IptablesVersion.parse(r.stdout()).orElseThrow(() -> new IptablesException(
                    variant.binary(family, "") + " --version: unparseable output (exit " + r.exitCode() + "): "
                            + r.stdout().strip() + r.stderr().strip(), r.exitCode()));
            version = v;
        }
        return v;
    }

    /** kube-proxy's wait flags: {@code -w 5 -W 100000} when the version is at least 1.6.2, else {@code -w}. */
    List<String> waitFlags() throws IptablesException {
        return version().atLeast(IptablesVersion.RANDOM_FULLY_MIN) ? List.of("-w", "5", "-W", "100000")
                : List.of("-w");
    }

    private CommandResult op(String op, String chain, String table, List<String> args) throws IptablesException {
        List<String> argv = new ArrayList<>();
        argv.add(variant.binary(family, ""));
        argv.addAll(waitFlags());
        argv.add(op);
        argv.add(chain);
        argv.add("-t");
        argv.add(table);
        argv.addAll(args);
        return exec(argv, "");
    }

    private CommandResult exec(List<String> argv, String stdin) {
        if (prefix.isEmpty()) {
            return runner.run(argv, stdin, TIMEOUT);
        }
        List<String> full = new ArrayList<>(prefix);
        full.addAll(argv);
        return runner.run(full, stdin, TIMEOUT);
    }

    private IptablesException failure(String op, String chain, String table, CommandResult r) {
        return new IptablesException(variant.binary(family, "") + " " + op + " " + chain + " -t " + table
                + " failed (exit " + r.exitCode() + "): " + r.stderr().strip(), r.exitCode());
    }
}
