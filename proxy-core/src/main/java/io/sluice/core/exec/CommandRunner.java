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

    /**
     * Runs {@code argv} with its stdin written by {@code stdin} and each stdout line handed to {@code stdoutLines}
     * (on a pipe thread, in order) instead of being kept: payloads of tens of MiB never exist as one string. The
     * returned result's stdout is empty. This default buffers both (for fakes); {@link ProcessCommandRunner} streams.
     */
    default CommandResult run(List<String> argv, StdinWriter stdin, java.util.function.Consumer<String> stdoutLines,
                              Duration timeout) {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try {
            stdin.writeTo(buf);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CommandResult r = run(argv, buf.toString(java.nio.charset.StandardCharsets.UTF_8), timeout);
        r.stdout().lines().forEach(stdoutLines);
        return new CommandResult(r.exitCode(), "", r.stderr());
    }

    /** Writes a command's standard input; called once, on a pipe thread. */
    @FunctionalInterface
    interface StdinWriter {
        /** An empty stdin. */
        StdinWriter EMPTY = out -> {
        };

        void writeTo(java.io.OutputStream out) throws java.io.IOException;
    }

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
