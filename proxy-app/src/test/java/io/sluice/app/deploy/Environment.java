package io.sluice.app.deploy;

import io.sluice.testsupport.PrivilegedTier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the deploy tests find the repository, and their gate ({@link PrivilegedTier}: a missing tool or privilege
 * skips loudly, and fails under {@code SLUICE_REQUIRE_PRIVILEGED=1}).
 */
final class Environment {

    private Environment() {
    }

    /** Skips (or fails, when {@code strictVariable}=1) with "{@code what} is missing" unless {@code condition}. */
    static void require(boolean condition, String what, String strictVariable) {
        PrivilegedTier.require(condition, "SKIPPED LOUDLY: " + what + " is missing", strictVariable);
    }

    static Path requireTool(String name) {
        return PrivilegedTier.requireTool(name);
    }

    static void requireRoot() {
        PrivilegedTier.requireRoot();
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
