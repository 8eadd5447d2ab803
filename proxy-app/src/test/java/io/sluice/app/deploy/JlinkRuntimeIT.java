package io.sluice.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds (or reuses) the jlink runtime the container image ships, with {@code scripts/build-runtime.sh}, the very
 * script the Dockerfile runs, and proves the shaded jar works on it: {@code version} and a {@code dump} of a small
 * objects file. A module jdeps cannot see (reflection, service loading) shows up here as a
 * ClassNotFoundException/NoClassDefFoundError instead of in a cluster.
 *
 * <p>Runs in {@code verify} after {@code package} has written {@code proxy-app/target/sluice.jar}.
 */
class JlinkRuntimeIT {

    private static Path root;
    private static Path jar;
    private static Path java;

    @BeforeAll
    static void buildRuntime() {
        Environment.requireTool("bash");
        Environment.requireTool("jlink");
        Environment.requireTool("jdeps");
        root = Environment.repoRoot();
        jar = root.resolve("proxy-app/target/sluice.jar");
        assertThat(jar).as("the shaded jar (mvn package runs before failsafe)").isRegularFile();

        Path runtime = root.resolve("target/runtime");
        ProcessResult.run(root, 900, "bash", root.resolve("scripts/build-runtime.sh").toString(),
                jar.toString(), runtime.toString()).assertSuccess();
        java = runtime.resolve("bin/java");
        assertThat(java).isExecutable();
    }

    @Test
    void runtime_is_minimal_and_holds_the_modules_only_reflection_reaches() {
        ProcessResult modules = ProcessResult.run(root, 60, java.toString(), "--list-modules").assertSuccess();
        List<String> names = modules.stdout().lines().map(l -> l.replaceAll("@.*", "")).toList();

        assertThat(names).contains("java.base", "jdk.httpserver", "jdk.crypto.ec", "java.naming", "jdk.unsupported");
        assertThat(names).as("a jlink'd runtime, not a full JDK").doesNotContain("jdk.compiler", "jdk.jshell");
        assertThat(root.resolve("target/runtime/include")).as("--no-header-files").doesNotExist();
        assertThat(root.resolve("target/runtime/man")).as("--no-man-pages").doesNotExist();
    }

    @Test
    void version_runs_on_the_jlinked_runtime() {
        ProcessResult r = run("version");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("0.1.0");
        assertThat(r.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
    }

    @Test
    void iptables_dump_of_a_small_cluster_runs_on_the_jlinked_runtime() throws URISyntaxException {
        Path objects = resource("small-objects.yaml");

        ProcessResult r = run("dump", "--backend", "iptables", "--objects", objects.toString(),
                "--hostname-override", "node1", "--assume-nfacct=false", "--assume-random-fully=false");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        assertThat(r.stdout()).contains("*nat", ":KUBE-SERVICES", "COMMIT")
                .containsPattern("-A KUBE-SERVICES .*-d 172\\.30\\.0\\.41(/32)? .*--dport 80 .*-j KUBE-SVC-[A-Z0-9]{16}")
                .containsPattern("-A KUBE-SEP-[A-Z0-9]{16} .*-j DNAT --to-destination 10\\.180\\.0\\.1:80");
    }

    @Test
    void ipvs_dump_of_a_small_cluster_runs_on_the_jlinked_runtime() throws URISyntaxException {
        Path objects = resource("small-objects.yaml");

        ProcessResult r = run("dump", "--backend", "ipvs", "--objects", objects.toString(),
                "--hostname-override", "node1");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        assertThat(r.stdout()).contains("172.30.0.41:80/TCP", "-> 10.180.0.1:80", "KUBE-CLUSTER-IP");
    }

    private static ProcessResult run(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of(java.toString(), "-jar", jar.toString()));
        argv.addAll(List.of(args));
        return ProcessResult.run(root, 300, argv);
    }

    private static Path resource(String name) throws URISyntaxException {
        Path p = Paths.get(JlinkRuntimeIT.class.getResource(name).toURI());
        assertThat(Files.isRegularFile(p)).isTrue();
        return p;
    }
}
