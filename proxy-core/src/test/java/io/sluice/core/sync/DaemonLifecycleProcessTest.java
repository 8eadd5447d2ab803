package io.sluice.core.sync;

import io.sluice.core.lifecycle.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sync loop's failure and shutdown policy in a real JVM ({@link LifecycleMain}): an Error thrown by a sync ends
 * the process with a non-zero status instead of leaving a live process whose loop died; SIGTERM waits for the sync
 * in progress, bounded by the shutdown timeout.
 */
class DaemonLifecycleProcessTest {

    private static final Duration GENEROUS = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void anErrorThrownBySyncEndsTheProcessWithTheFatalStatusAndLogsTheCause() throws Exception {
        Process p = start("error");
        assertThat(p.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).as("exits rather than hanging").isTrue();
        String out = output();
        assertThat(p.exitValue()).as(out).isEqualTo(Failures.EXIT_FATAL);
        assertThat(out).contains("sync-start").contains("java.lang.StackOverflowError: injected by LifecycleMain")
                .contains("exiting with status " + Failures.EXIT_FATAL);
    }

    @Test
    void sigtermWaitsForTheSyncInProgressToFinish() throws Exception {
        Process p = start("slow", "3000", "60000");
        await().atMost(GENEROUS).until(() -> output().contains("sync-start"));
        p.destroy();                                       // SIGTERM
        assertThat(p.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String out = output();
        assertThat(out).as("the sync ran to its end, then the loop closed")
                .containsSubsequence("sync-start", "shutting down", "sync-end", "closed")
                .doesNotContain("sync-interrupted").doesNotContain("did not finish");
        assertThat(p.exitValue()).as(out).isEqualTo(143);
    }

    @Test
    void sigtermGivesUpWaitingAfterTheShutdownTimeout() throws Exception {
        Process p = start("slow", "600000", "500");
        await().atMost(GENEROUS).until(() -> output().contains("sync-start"));
        p.destroy();
        assertThat(p.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).as("bounded by the timeout, not the sync")
                .isTrue();
        String out = output();
        assertThat(out).contains("did not finish within 500 ms").doesNotContain("sync-end");
        assertThat(p.exitValue()).as(out).isEqualTo(143);
    }

    private Process start(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LifecycleMain.class.getName()));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
                .start();
    }

    private String output() throws IOException {
        return Files.readString(dir.resolve("out.log"));
    }
}
