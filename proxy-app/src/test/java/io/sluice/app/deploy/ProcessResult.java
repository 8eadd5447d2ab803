package io.sluice.app.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Outcome of one external command run by the deploy tests (argv, never a shell). */
record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {

    /** Runs {@code command} in {@code dir} (null: the current directory), waiting at most {@code timeoutSeconds}. */
    static ProcessResult run(Path dir, long timeoutSeconds, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + "s: " + command);
            }
            return new ProcessResult(List.copyOf(command), p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    static ProcessResult run(Path dir, long timeoutSeconds, String... command) {
        return run(dir, timeoutSeconds, List.of(command));
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, ProcessResult::startDaemon);
    }

    // One thread per stream (not the common pool, which may have a single worker on a 2-core machine and would then
    // drain stdout and stderr one after the other, deadlocking on a full pipe).
    private static void startDaemon(Runnable r) {
        Thread t = new Thread(r, "process-drain");
        t.setDaemon(true);
        t.start();
    }

    /** Throws with the full output unless the exit code is 0. */
    ProcessResult assertSuccess() {
        if (exitCode != 0) {
            throw new AssertionError("exit " + exitCode + " from " + command + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
        }
        return this;
    }
}
