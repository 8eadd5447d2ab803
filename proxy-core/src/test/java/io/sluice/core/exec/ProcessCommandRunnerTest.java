package io.sluice.core.exec;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCommandRunnerTest {
    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void passesStdinAndCapturesBothStreams() {
        var r = runner.run(List.of("sh", "-c", "cat; echo oops >&2; exit 3"), "payload\n", Duration.ofSeconds(20));

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("payload\n");
        assertThat(r.stderr()).isEqualTo("oops\n");
    }

    @Test
    void argumentsAreNeverInterpretedByAShell() {
        var r = runner.run(List.of("echo", "a; rm -rf / $(id)"), "", Duration.ofSeconds(20));

        assertThat(r.stdout()).isEqualTo("a; rm -rf / $(id)\n");
    }

    @Test
    void theTimeoutCoversAProgramThatNeverReadsItsInput() {
        // 8 MiB of stdin to a program that never reads it: the write blocks once the pipe is full.
        String big = "x".repeat(8 << 20);

        var r = runner.run(List.of("sleep", "30"), big, Duration.ofMillis(500));

        assertThat(r.exitCode()).isEqualTo(124);
        assertThat(r.stderr()).contains("timed out");
    }

    @Test
    void aMissingProgramIsExitCode127() {
        assertThat(runner.run(List.of("/nonexistent/sluice-tool")).exitCode()).isEqualTo(127);
    }
}
