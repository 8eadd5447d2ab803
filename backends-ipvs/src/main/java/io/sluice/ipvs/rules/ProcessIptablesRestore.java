package io.sluice.ipvs.rules;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.model.IpFamily;

import java.time.Duration;
import java.util.List;

/**
 * {@code iptables-restore -w 5 --noflush --counters} (or {@code ip6tables-restore}) with the payload on stdin, as
 * kube-proxy's {@code RestoreAll(data, NoFlushTables, RestoreCounters)}: chains we declare are flushed and refilled,
 * every other chain is left alone.
 */
public final class ProcessIptablesRestore implements IptablesRestore {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final CommandRunner runner;
    private final IptablesTools tools;

    /** Plain {@code iptables-restore} from PATH. */
    public ProcessIptablesRestore(CommandRunner runner) {
        this(IptablesTools.plain(runner));
    }

    /** The restore binary of the variant {@code tools} detects. */
    public ProcessIptablesRestore(IptablesTools tools) {
        this.tools = tools;
        this.runner = tools.runner();
    }

    public static List<String> argv(IpFamily family) {
        return List.of(family == IpFamily.IPv4 ? "iptables-restore" : "ip6tables-restore",
                "-w", "5", "--noflush", "--counters");
    }

    @Override
    public Boolean randomFully(IpFamily family) {
        return tools.randomFully(family);
    }

    @Override
    public void restore(IpFamily family, String payload) throws IptablesException {
        List<String> argv = List.of(tools.binary(family, "restore"), "-w", "5", "--noflush", "--counters");
        CommandRunner.CommandResult r = runner.run(argv, payload, TIMEOUT);
        if (!r.ok()) {
            throw new IptablesException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip());
        }
    }
}
