package io.sluice.iptables.render;

import org.opentest4j.TestAbortedException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The privileged tier's gate: root and the named tools. When something is missing the test is aborted (skipped) with
 * a loud message naming it, unless {@code SLUICE_REQUIRE_PRIVILEGED=1}, which turns it into a failure.
 */
final class Privileged {
    private Privileged() {
    }

    /** Fails (SLUICE_REQUIRE_PRIVILEGED=1) or aborts with a loud message when root or a tool is missing. */
    static void require(String... tools) {
        String message = missing(tools);
        if (message == null) {
            return;
        }
        if (required()) {
            throw new AssertionError(message + " (SLUICE_REQUIRE_PRIVILEGED=1)");
        }
        System.err.println("*** " + message + " ***");
        throw new TestAbortedException(message);
    }

    /** True when {@code SLUICE_REQUIRE_PRIVILEGED=1}: missing privileges fail instead of skipping. */
    static boolean required() {
        return "1".equals(System.getenv("SLUICE_REQUIRE_PRIVILEGED"));
    }

    /** null when running as root with every tool present, else a message naming what is missing. */
    static String missing(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (uid 0)");
        }
        for (String tool : tools) {
            if (which(tool) == null) {
                missing.add("tool '" + tool + "' (apt-get install -y iptables iproute2)");
            }
        }
        return missing.isEmpty() ? null : "PRIVILEGED TEST NOT RUN: missing " + String.join(", ", missing);
    }

    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (Exception e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    static String which(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool).toString();
            }
        }
        return null;
    }
}
