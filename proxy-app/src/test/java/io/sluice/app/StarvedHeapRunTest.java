package io.sluice.app;

import io.sluice.core.lifecycle.Failures;
import io.sluice.core.synthetic.SyntheticCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice run} with a heap far too small for its cluster (the "starved heap"): the process must end
 * with a non-zero status and say why, instead of living on with a dead thread while {@code /healthz} answers 200.
 * Dry-run, so no kernel is touched. Once with Sluice's own handlers only, once with the JVM flag the image, the
 * DaemonSet and the launcher pass.
 */
class StarvedHeapRunTest {

    @TempDir
    static Path dir;
    static Path objects;

    @BeforeAll
    static void aClusterThatCannotFitIn24MiB() throws IOException {
        objects = dir.resolve("big.yaml");
        try (Writer w = Files.newBufferedWriter(objects)) {
            SyntheticCluster.generate(20_000, 4, 9).writeYaml(w);
        }
    }

    @Test
    void withoutTheJvmFlagSluicesHandlersEndTheProcessWithTheFatalStatus() throws Exception {
        Result r = run(List.of("-Xmx24m"));
        assertThat(r.exitCode()).as(r.log()).isEqualTo(Failures.EXIT_FATAL);
        assertThat(r.log()).contains("java.lang.OutOfMemoryError").contains("exiting with status 70");
    }

    @Test
    void withExitOnOutOfMemoryErrorTheJvmEndsTheProcess() throws Exception {
        Result r = run(List.of("-Xmx24m", "-XX:+ExitOnOutOfMemoryError"));
        assertThat(r.exitCode()).as(r.log()).isEqualTo(3);
        assertThat(r.log()).contains("Terminating due to java.lang.OutOfMemoryError");
    }

    private record Result(int exitCode, String log) {
    }

    private static Result run(List<String> jvmFlags) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC"));
        argv.addAll(jvmFlags);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), SluiceMain.class.getName(), "run",
                "--dry-run", "--objects", objects.toString(), "--hostname-override", SyntheticCluster.NODE_NAME,
                "--metrics-bind-address", "127.0.0.1:0", "--healthz-bind-address", "127.0.0.1:0"));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = p.waitFor(5, TimeUnit.MINUTES);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(log);
        assertThat(exited).as("the starved process exits instead of hanging; log:%n%s", out).isTrue();
        return new Result(p.exitValue(), out);
    }
}
