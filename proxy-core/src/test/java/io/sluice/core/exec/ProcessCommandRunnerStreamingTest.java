package io.sluice.core.exec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming form of {@link ProcessCommandRunner#run}: stdin written by a callback, stdout handed over by line. */
class ProcessCommandRunnerStreamingTest {
    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void givenALargeStdinWhenStreamedThroughCatThenEveryLineComesBackInOrder() {
        int lines = 200_000;
        List<String> seen = new ArrayList<>();
        CommandRunner.CommandResult r = runner.run(List.of("cat"), out -> {
            for (int i = 0; i < lines; i++) {
                out.write(("-A KUBE-SVC-X -j KUBE-SEP-" + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }, seen::add, Duration.ofMinutes(2));

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).as("stdout went to the consumer").isEmpty();
        assertThat(seen).hasSize(lines);
        assertThat(seen.get(0)).isEqualTo("-A KUBE-SVC-X -j KUBE-SEP-0");
        assertThat(seen.get(lines - 1)).isEqualTo("-A KUBE-SVC-X -j KUBE-SEP-" + (lines - 1));
    }

    @Test
    void givenAFailingProgramWhenStreamedThenItsExitCodeAndStderrAreReported() {
        CommandRunner.CommandResult r = runner.run(List.of("sh", "-c", "cat >/dev/null; echo broken >&2; exit 3"),
                out -> out.write("x\n".getBytes(StandardCharsets.UTF_8)), line -> { }, Duration.ofMinutes(1));

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stderr()).contains("broken");
    }

    @Test
    void givenAMissingProgramWhenStreamedThenExitCode127() {
        CommandRunner.CommandResult r = runner.run(List.of("/nonexistent/sluice-tool"), CommandRunner.StdinWriter.EMPTY,
                line -> { }, Duration.ofSeconds(10));

        assertThat(r.exitCode()).isEqualTo(127);
    }

    @Test
    void givenAFakeRunnerWhenStreamedThenTheDefaultBuffersBothWays() {
        List<String> stdins = new ArrayList<>();
        CommandRunner fake = (argv, stdin, timeout) -> {
            stdins.add(stdin);
            return new CommandRunner.CommandResult(0, "a\nb\n", "");
        };
        List<String> seen = new ArrayList<>();

        CommandRunner.CommandResult r = fake.run(List.of("x"), out -> out.write("in\n".getBytes(StandardCharsets.UTF_8)),
                seen::add, Duration.ofSeconds(1));

        assertThat(stdins).containsExactly("in\n");
        assertThat(seen).containsExactly("a", "b");
        assertThat(r.ok()).isTrue();
    }
}
