package io.sluice.ipvs.netlink;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The privileged-tier check: without root (or a needed tool) a test is skipped with a loud message naming what is
 * missing, except when {@code SLUICE_REQUIRE_PRIVILEGED=1}, where it fails instead.
 */
final class PrivilegedTier {
    private PrivilegedTier() {
    }

    static void require(boolean present, String what) {
        if (present) {
            return;
        }
        String message = "PRIVILEGED TEST NOT RUN: missing " + what;
        if ("1".equals(System.getenv("SLUICE_REQUIRE_PRIVILEGED"))) {
            Assertions.fail(message + " (SLUICE_REQUIRE_PRIVILEGED=1)");
        }
        System.err.println(message);
        Assumptions.assumeTrue(false, message);
    }

    static void requireRoot() {
        require(isRoot(), "root (uid 0)");
    }

    static void requireTool(String tool) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                found = true;
                break;
            }
        }
        require(found, "the '" + tool + "' command on PATH");
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
