package io.sluice.core.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** {@link CommandRunner} over {@link ProcessBuilder}; stdin is written and stdout/stderr drained concurrently. */
public final class ProcessCommandRunner implements CommandRunner {
    /**
     * Pipe pumps block on I/O for the life of a process, so they get their own daemon threads rather than the common
     * ForkJoinPool, where concurrent commands (a sync and the canary monitor) could starve each other.
     */
    private static final ExecutorService PIPES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sluice-command-pipe");
        t.setDaemon(true);
        return t;
    });

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            return new CommandResult(127, "", argv.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), PIPES);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), PIPES);
        // stdin is written on its own thread so that the timeout covers it: a program that stops reading (a slow or
        // wedged iptables-restore with a 30 MiB payload) must not block us past the deadline.
        CompletableFuture<Void> in = CompletableFuture.runAsync(() -> feed(p.getOutputStream(), stdin), PIPES);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                in.cancel(true);
                return new CommandResult(124, out.join(), err.join() + "\ntimed out after " + timeout);
            }
            return new CommandResult(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new CommandResult(130, "", "interrupted");
        }
    }

    /**
     * Streams: {@code stdin} writes straight into the pipe and stdout is read line by line into {@code stdoutLines},
     * so neither side is held in memory; stderr is kept (it is short). Same timeout handling as the String form.
     */
    @Override
    public CommandResult run(List<String> argv, StdinWriter stdin, java.util.function.Consumer<String> stdoutLines,
                             Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            return new CommandResult(127, "", argv.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> lines(p.getInputStream(), stdoutLines),
                PIPES);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), PIPES);
        CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
            try (OutputStream os = new java.io.BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
                stdin.writeTo(os);
            } catch (IOException e) {
                // The program may exit before reading all input (e.g. a parse error); its exit code tells.
            }
        }, PIPES);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                in.cancel(true);
                out.join();
                return new CommandResult(124, "", err.join() + "\ntimed out after " + timeout);
            }
            out.join();
            return new CommandResult(p.exitValue(), "", err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new CommandResult(130, "", "interrupted");
        }
    }

    private static String lines(InputStream s, java.util.function.Consumer<String> sink) {
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(s,
                StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = r.readLine()) != null) {
                sink.accept(line);
            }
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void feed(OutputStream stdin, String text) {
        try (stdin) {
            if (text != null && !text.isEmpty()) {
                stdin.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The program may exit before reading all input (e.g. a parse error); its exit code tells.
        }
    }

    private static String drain(InputStream s) {
        try (s) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
