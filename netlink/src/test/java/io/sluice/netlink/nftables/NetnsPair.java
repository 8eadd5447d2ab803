package io.sluice.netlink.nftables;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scratch network namespaces for the nf_tables kernel tests ({@code slnl-<tag>-<pid>}), created with
 * {@code ip netns add} and deleted by {@link #close()}; nothing touches the host's own namespace. {@link #nft} runs the
 * nft binary inside one (for the reference side of comparisons).
 */
final class NetnsPair implements AutoCloseable {
    private final CommandRunner runner = new ProcessCommandRunner();
    private final List<String> created = new ArrayList<>();

    /** Creates a namespace with lo up; returns its name. */
    String create(String tag) {
        String name = "slnl-" + tag + "-" + ProcessHandle.current().pid();
        runner.run(List.of("ip", "netns", "del", name));
        ok(List.of("ip", "netns", "add", name), "");
        created.add(name);
        ok(List.of("ip", "-n", name, "link", "set", "lo", "up"), "");
        return name;
    }

    static Path path(String namespace) {
        return Path.of("/run/netns", namespace);
    }

    /** {@code ip netns exec <ns> nft <args>} with {@code stdin}; returns stdout, fails the test on a non-zero exit. */
    String nft(String namespace, String stdin, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "nft"));
        argv.addAll(List.of(args));
        return ok(argv, stdin);
    }

    private String ok(List<String> argv, String stdin) {
        CommandRunner.CommandResult r = runner.run(argv, stdin, Duration.ofSeconds(120));
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", argv) + " exited " + r.exitCode() + ": " + r.stderr());
        }
        return r.stdout();
    }

    @Override
    public void close() {
        for (String ns : created) {
            runner.run(List.of("ip", "netns", "del", ns));
        }
        created.clear();
    }
}
