package io.sluice.core.conntrack;

import io.sluice.core.exec.CommandRunner;

import java.time.Duration;
import java.util.List;

/**
 * Runs {@code conntrack -D} deletions given as argument vectors. "0 flow entries have been deleted" (exit status 1)
 * is success: there was nothing to clear, as kube-proxy's {@code conntrack.Exec} treats it.
 */
public final class Conntrack {
    private final CommandRunner runner;

    public Conntrack(CommandRunner runner) {
        this.runner = runner;
    }

    /**
     * @param args the arguments after {@code conntrack} (e.g. {@code -D -p udp --orig-dst 10.0.0.1 ...})
     * @return null on success, else the error text
     */
    public String delete(List<String> args) {
        List<String> argv = new java.util.ArrayList<>(args.size() + 1);
        argv.add("conntrack");
        argv.addAll(args);
        CommandRunner.CommandResult r = runner.run(argv, "", Duration.ofSeconds(30));
        if (r.ok() || r.stderr().contains("0 flow entries")) {
            return null;
        }
        return "conntrack " + String.join(" ", args) + " (exit " + r.exitCode() + "): " + r.stderr().strip();
    }
}
