package io.sluice.core.exec;

import java.time.Duration;
import java.util.List;

/**
 * Runs a program with an argument vector, never through a shell: no string from the API is ever interpreted by one.
 * Real implementation: {@link ProcessCommandRunner}; tests use fakes that record the calls.
 *
 * <p>Thread-safe.
 */
public interface CommandRunner {

    /**
     * Runs {@code argv} with {@code stdin} (may be empty) and waits at most {@code timeout}.
     *
     * @return the exit code and captured output; a program that cannot be started gives exit code 127
     */
    CommandResult run(List<String> argv, String stdin, Duration timeout);

    default CommandResult run(List<String> argv) {
        return run(argv, "", Duration.ofSeconds(60));
    }

    /** Exit code, stdout and stderr of a finished command. */
    record CommandResult(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }
}
