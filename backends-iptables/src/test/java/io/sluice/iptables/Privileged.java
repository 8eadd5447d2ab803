package io.sluice.iptables;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The privileged tier's precondition check: root and the named tools. When something is missing the test is skipped
 * with a loud message naming it, unless {@code SLUICE_REQUIRE_PRIVILEGED=1}, in which case it fails.
 */
final class Privileged {
    private Privileged() {
    }

    static void require(String... tools) {
        CommandRunner runner = new ProcessCommandRunner();
        List<String> missing = new ArrayList<>();
        CommandRunner.CommandResult id = runner.run(List.of("id", "-u"), "", Duration.ofSeconds(10));
        if (!id.ok() || !id.stdout().strip().equals("0")) {
            missing.add("root (uid 0)");
        }
        for (String tool : tools) {
            if (!runner.run(List.of("which", tool), "", Duration.ofSeconds(10)).ok()) {
                missing.add("tool '" + tool + "' (apt-get install -y iptables conntrack iproute2 procps python3)");
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "PRIVILEGED TEST NOT RUN: missing " + String.join(", ", missing);
        System.err.println("!!! " + message);
        if ("1".equals(System.getenv("SLUICE_REQUIRE_PRIVILEGED"))) {
            Assertions.fail(message + " (SLUICE_REQUIRE_PRIVILEGED=1)");
        }
        Assumptions.abort(message);
    }
}
