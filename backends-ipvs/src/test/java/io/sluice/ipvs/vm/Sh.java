package io.sluice.ipvs.vm;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.CommandRunner.CommandResult;
import io.sluice.core.exec.ProcessCommandRunner;

import java.time.Duration;
import java.util.List;

/**
 * Commands of the VM tests, as argument vectors (never a shell). Process starts cost 50-600 ms under TCG, so callers
 * batch ({@code ip -batch -}, {@code ipvsadm-restore}) where they can.
 */
final class Sh {
    private static final CommandRunner RUNNER = new ProcessCommandRunner();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Sh() {
    }

    /** Runs argv and returns stdout; throws naming the command and its stderr when it fails. */
    static String run(String... argv) {
        return runWithInput("", argv);
    }

    /** Runs argv with {@code stdin} and returns stdout; throws when it fails. */
    static String runWithInput(String stdin, String... argv) {
        CommandResult r = RUNNER.run(List.of(argv), stdin, TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " exited " + r.exitCode() + ": "
                    + r.stderr().strip() + (stdin.isEmpty() ? "" : "\n--- stdin (start):\n"
                    + stdin.substring(0, Math.min(stdin.length(), 2000))));
        }
        return r.stdout();
    }

    /** Runs argv and returns the result whatever the exit code (teardown, probes). */
    static CommandResult attempt(String... argv) {
        return RUNNER.run(List.of(argv), "", TIMEOUT);
    }

    /** Runs argv with stdin whatever the exit code. */
    static CommandResult attemptWithInput(String stdin, String... argv) {
        return RUNNER.run(List.of(argv), stdin, TIMEOUT);
    }
}
