package io.sluice.ipvs.rules;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.model.IpFamily;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ensures and removes the jump rules from the built-in chains ({@link IpvsChains#JUMPS}) with plain
 * {@code iptables} calls, as kube-proxy's {@code EnsureRule(Prepend, ...)}: {@code -C} first, then {@code -I} when
 * the check exits 1. Argument vectors only; the comment is one argv element.
 */
public final class IptablesJumps {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final CommandRunner runner;
    private final IptablesTools tools;

    /** Plain {@code iptables} from PATH. */
    public IptablesJumps(CommandRunner runner) {
        this(IptablesTools.plain(runner));
    }

    /** The {@code iptables} binary of the variant {@code tools} detects. */
    public IptablesJumps(IptablesTools tools) {
        this.tools = tools;
        this.runner = tools.runner();
    }

    /** Ensures every jump exists (inserted at the top when missing). The chains must exist already. */
    public void ensureAll(IpFamily family) throws IptablesException {
        for (IpvsChains.Jump j : IpvsChains.JUMPS) {
            CommandRunner.CommandResult check = runner.run(argv(tools, family, "-C", j), "", TIMEOUT);
            if (check.ok()) {
                continue;
            }
            if (check.exitCode() != 1) {
                throw failure(argv(tools, family, "-C", j), check);
            }
            List<String> insert = argv(tools, family, "-I", j);
            CommandRunner.CommandResult r = runner.run(insert, "", TIMEOUT);
            if (!r.ok()) {
                throw failure(insert, r);
            }
        }
    }

    /** Deletes every jump that exists; a missing rule or chain is not an error (cleanup is idempotent). */
    public void deleteAll(IpFamily family) throws IptablesException {
        for (IpvsChains.Jump j : IpvsChains.JUMPS) {
            // A rule may have been inserted more than once (e.g. by two proxies): delete until the check fails.
            for (int i = 0; i < 16; i++) {
                CommandRunner.CommandResult check = runner.run(argv(tools, family, "-C", j), "", TIMEOUT);
                if (!check.ok()) {
                    break;
                }
                List<String> delete = argv(tools, family, "-D", j);
                CommandRunner.CommandResult r = runner.run(delete, "", TIMEOUT);
                if (!r.ok()) {
                    throw failure(delete, r);
                }
            }
        }
    }

    static List<String> argv(IptablesTools tools, IpFamily family, String op, IpvsChains.Jump j) {
        List<String> a = new ArrayList<>(List.of(tools.binary(family, ""),
                "-w", "5", op, j.from(), "-t", j.table()));
        a.addAll(j.ruleArgs());
        return a;
    }

    private static IptablesException failure(List<String> argv, CommandRunner.CommandResult r) {
        return new IptablesException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                + r.stderr().strip());
    }
}
