package io.sluice.testsupport;

import org.opentest4j.TestAbortedException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gate of every test that needs more than a JVM: root, a tool on the PATH, a Docker engine. When something is
 * missing the test is skipped (aborted) with a loud message naming it, unless the strict variable is set to 1
 * ({@code SLUICE_REQUIRE_PRIVILEGED}, which scripts/test-all.sh sets as root, i.e. in CI): then it fails, so a tier
 * can never go green by not running.
 */
public final class PrivilegedTier {
    /** Set to 1 to turn a missing privilege or tool into a failure. */
    public static final String REQUIRE_VARIABLE = "SLUICE_REQUIRE_PRIVILEGED";

    private PrivilegedTier() {
    }

    /** True when {@code SLUICE_REQUIRE_PRIVILEGED=1}. */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE_VARIABLE));
    }

    /** Root and every named tool, or skip/fail with a message naming what is missing. */
    public static void require(String... tools) {
        String message = missing(tools);
        require(message == null, message);
    }

    public static void requireRoot() {
        require(isRoot(), "PRIVILEGED TEST NOT RUN: missing root (uid 0)");
    }

    /** The tool's path, or skip/fail. Does not need root. */
    public static Path requireTool(String tool) {
        Optional<Path> path = which(tool);
        require(path.isPresent(), "TEST NOT RUN: missing tool '" + tool + "' on the PATH");
        return path.orElseThrow();
    }

    /** Skip or fail (per {@link #REQUIRE_VARIABLE}) with {@code what} unless {@code condition}. */
    public static void require(boolean condition, String what) {
        require(condition, what, REQUIRE_VARIABLE);
    }

    /** Like {@link #require(boolean, String)}, with a strict variable of its own (e.g. the kind tier's). */
    public static void require(boolean condition, String what, String strictVariable) {
        if (condition) {
            return;
        }
        if ("1".equals(System.getenv(strictVariable))) {
            throw new AssertionError(what + " (" + strictVariable + "=1 forbids skipping)");
        }
        System.err.println("*** " + what + " ***");
        throw new TestAbortedException(what);
    }

    /** null when running as root with every tool present, else a message naming what is missing. */
    public static String missing(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (uid 0)");
        }
        for (String tool : tools) {
            if (which(tool).isEmpty()) {
                missing.add("tool '" + tool + "'");
            }
        }
        return missing.isEmpty() ? null
                : "PRIVILEGED TEST NOT RUN: missing " + String.join(", ", missing) + " (run scripts/test-all.sh as root)";
    }

    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (Exception e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The first executable named {@code tool} on the PATH or in the sbin/bin directories. */
    public static Optional<Path> which(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return Optional.of(Path.of(d, tool));
            }
        }
        return Optional.empty();
    }
}
