package io.sluice.app.deploy;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The one place the deploy tests decide whether they can run: a missing tool or privilege skips the test with a
 * loud message naming what is missing, except under {@code SLUICE_REQUIRE_PRIVILEGED=1} (set by CI), where it fails.
 */
final class Environment {

    private Environment() {
    }

    /** True when CI demands that every privileged/tool-dependent test really runs. */
    static boolean privilegedRequired() {
        return "1".equals(System.getenv("SLUICE_REQUIRE_PRIVILEGED"));
    }

    /**
     * Requires {@code condition}; otherwise skips (or fails under SLUICE_REQUIRE_PRIVILEGED=1) with
     * "{@code what} is missing".
     */
    static void require(boolean condition, String what) {
        require(condition, what, "SLUICE_REQUIRE_PRIVILEGED");
    }

    /**
     * Requires {@code condition}; otherwise skips with "{@code what} is missing", or fails when the environment
     * variable {@code strictVariable} is "1" (SLUICE_REQUIRE_PRIVILEGED for the privileged tier, SLUICE_REQUIRE_KIND
     * for the opt-in kind tier).
     */
    static void require(boolean condition, String what, String strictVariable) {
        if (condition) {
            return;
        }
        String message = "SKIPPED LOUDLY: " + what + " is missing";
        System.err.println(message);
        if ("1".equals(System.getenv(strictVariable))) {
            fail(message + " and " + strictVariable + "=1");
        }
        assumeTrue(false, message);
    }

    /** Requires an executable on the PATH (or an absolute path) and returns its path. */
    static Path requireTool(String name) {
        Path found = findTool(name);
        require(found != null, "the tool '" + name + "' (not on PATH)");
        return found;
    }

    /** Requires uid 0 (network namespaces, iptables). */
    static void requireRoot() {
        require(isRoot(), "root (uid 0)");
    }

    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    static Path findTool(String name) {
        if (name.startsWith("/")) {
            Path p = Paths.get(name);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Paths.get(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    /** The repository root: the nearest ancestor of the working directory that holds {@code manifests/}. */
    static Path repoRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("manifests")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (a directory with manifests/ and pom.xml) above " + dir);
    }
}
