package io.sluice.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image recipe keeps its promises without needing Docker to check them: the same jlink script the
 * JlinkRuntimeIT exercises, the kernel tools the backends call, the manifests' image name and entrypoint, and no
 * BuildKit-only syntax (the kind tier builds it with the classic builder).
 */
class DockerfileTest {

    @Test
    void builds_with_maven_and_jlink_then_runs_on_debian_slim_with_the_kernel_tools() throws IOException {
        String dockerfile = Files.readString(Environment.repoRoot().resolve("Dockerfile"));
        List<String> stages = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();

        assertThat(stages).containsExactly("FROM maven:3-eclipse-temurin-17 AS build", "FROM debian:bookworm-slim");
        assertThat(dockerfile).contains("scripts/build-runtime.sh proxy-app/target/sluice.jar /opt/sluice/jre")
                .contains("-pl proxy-app -am package");
        assertThat(dockerfile).containsPattern(Pattern.compile(
                "apt-get install -y --no-install-recommends[^\\n]*\\biptables nftables ipset ipvsadm conntrack kmod\\b"));
        assertThat(dockerfile).contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/sluice/sluice.jar\"]")
                .contains("/opt/sluice/jre/bin");
        assertThat(dockerfile).as("an exhausted heap ends the process").contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(dockerfile).as("classic-builder compatible").doesNotContain("--mount=", "# syntax=");
    }

    @Test
    void dockerignore_keeps_build_outputs_out_of_the_context() throws IOException {
        List<String> ignored = Files.readAllLines(Environment.repoRoot().resolve(".dockerignore"));

        assertThat(ignored).contains("**/target/", ".git/");
    }

    @Test
    void runtime_script_adds_the_modules_jdeps_cannot_see() throws IOException {
        String script = Files.readString(Environment.repoRoot().resolve("scripts/build-runtime.sh"));

        assertThat(script).contains("--print-module-deps", "--strip-debug", "--no-header-files", "--no-man-pages",
                "--compress=2", "jdk.httpserver", "jdk.crypto.ec", "java.naming", "jdk.unsupported");
        assertThat(Files.isExecutable(Environment.repoRoot().resolve("scripts/build-runtime.sh"))).isTrue();
    }
}
