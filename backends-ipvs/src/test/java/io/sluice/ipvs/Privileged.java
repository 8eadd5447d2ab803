package io.sluice.ipvs;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one check privileged tests make: root and the named tools. Without them the test is skipped with a loud
 * message, unless {@code SLUICE_REQUIRE_PRIVILEGED=1}, which makes it fail instead.
 */
final class Privileged {
    private Privileged() {
    }

    static void require(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
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
        String msg = "PRIVILEGED TEST NOT RUN: missing " + String.join(", ", missing);
        if ("1".equals(System.getenv("SLUICE_REQUIRE_PRIVILEGED"))) {
            throw new AssertionError(msg + " (SLUICE_REQUIRE_PRIVILEGED=1)");
        }
        System.err.println("*** " + msg);
        Assumptions.assumeTrue(false, msg);
    }

    private static boolean isRoot() {
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

    /** Runs every command inside network namespace {@code ns} ({@code ip netns exec}). */
    static CommandRunner inNetns(String ns) {
        ProcessCommandRunner real = new ProcessCommandRunner();
        return (argv, stdin, timeout) -> {
            List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            a.addAll(argv);
            return real.run(a, stdin, timeout);
        };
    }

    static CommandRunner.CommandResult host(String... argv) {
        return new ProcessCommandRunner().run(List.of(argv), "", Duration.ofSeconds(30));
    }
}
