package io.sluice.ipvs;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Command runners for privileged tests: inside a network namespace, or on the host. */
final class NetnsCommands {
    private NetnsCommands() {
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
