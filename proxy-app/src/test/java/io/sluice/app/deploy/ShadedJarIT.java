package io.sluice.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What ships: {@code proxy-app/target/sluice.jar} as {@code package} left it, checked after the tests ran against the
 * same class path. It holds nothing of the tests (fakes, manual clocks, synthetic clusters, benchmarks, smoke mains,
 * test frameworks), and the README's main command works on it with the JDK the build used (a drifted dependency, such
 * as a jackson-annotations older than jackson-databind, fails here with NoClassDefFoundError rather than on a node).
 */
class ShadedJarIT {

    /** Simple class names that only test code has: what must never ship. */
    private static final Pattern TEST_CLASS = Pattern.compile(
            "(Fake[A-Z]\\w*|\\w*(Test|IT|Properties|Benchmark|Bench|Smoke|VmTest)|ManualTime|SyntheticCluster|MockApiServer)"
                    + "(\\$.*)?\\.class");
    /** Packages of test frameworks and the mock API server. */
    private static final List<String> TEST_PACKAGES = List.of("org/junit/", "net/jqwik/", "org/assertj/",
            "org/awaitility/", "io/fabric8/mockwebserver/", "io/fabric8/kubernetes/client/server/mock/",
            "org/testcontainers/", "org/openjdk/jmh/");

    private static Path root;
    private static Path jar;

    @BeforeAll
    static void locateJar() {
        root = Environment.repoRoot();
        jar = root.resolve("proxy-app/target/sluice.jar");
        assertThat(jar).as("the shaded jar (mvn package runs before failsafe)").isRegularFile();
    }

    @Test
    void holds_no_test_code() throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            List<String> strays = j.stream().map(JarEntry::getName)
                    .filter(n -> n.endsWith(".class"))
                    .filter(n -> (n.startsWith("io/sluice/") && TEST_CLASS.matcher(n.substring(n.lastIndexOf('/') + 1)).matches())
                            || TEST_PACKAGES.stream().anyMatch(n::startsWith))
                    .sorted().toList();
            assertThat(strays).as("test code in sluice.jar").isEmpty();
            assertThat(j.getEntry("io/sluice/app/SluiceMain.class")).as("the CLI itself").isNotNull();
        }
    }

    @Test
    void the_readme_main_command_runs_on_it() {
        ProcessResult r = ProcessResult.run(root, 300, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "dump", "--objects", "examples/cluster.yaml",
                "--config", "examples/kube-proxy-config.yaml");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "NoSuchMethodError");
        assertThat(r.stdout()).contains("*nat", ":KUBE-SERVICES - [0:0]", "COMMIT");
    }
}
