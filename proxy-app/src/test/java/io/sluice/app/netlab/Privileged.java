package io.sluice.app.netlab;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gate for the privileged tier. Without root or a needed tool the test is skipped with a loud message; with
 * {@code SLUICE_REQUIRE_PRIVILEGED=1} (set by scripts/test-all.sh as root, i.e. in CI) it fails instead, so CI can
 * never go green by skipping.
 */
public final class Privileged {
    private Privileged() {
    }

    public static void require(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name")) && !isUid0()) {
            missing.add("root");
        }
        for (String t : tools) {
            if (!onPath(t)) {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String msg = "PRIVILEGED TIER NOT RUN: missing " + String.join(", ", missing)
                + " (run scripts/test-all.sh as root to run it)";
        System.err.println("*** " + msg);
        if ("1".equals(System.getenv("SLUICE_REQUIRE_PRIVILEGED"))) {
            throw new AssertionError(msg + "; SLUICE_REQUIRE_PRIVILEGED=1 forbids skipping");
        }
        Assumptions.assumeTrue(missing.isEmpty(), msg);
    }

    private static boolean isUid0() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }
}
