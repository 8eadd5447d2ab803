package io.sluice.iptables.exec;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.Sysctl;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Sysctl} through the {@code sysctl} tool under a command prefix, so that a namespace's own /proc/sys/net is
 * read and written (never the JVM's). Names use slashes ({@code net/ipv4/conf/all/route_localnet}), which the tool
 * accepts as well as dots.
 */
final class CommandSysctl implements Sysctl {
    private final CommandRunner runner;
    private final List<String> prefix;

    CommandSysctl(CommandRunner runner, List<String> prefix) {
        this.runner = runner;
        this.prefix = List.copyOf(prefix);
    }

    @Override
    public Optional<String> get(String name) {
        check(name);
        CommandRunner.CommandResult r = runner.run(argv("-n", name), "", Duration.ofSeconds(10));
        return r.ok() ? Optional.of(r.stdout().strip()) : Optional.empty();
    }

    @Override
    public void set(String name, String value) throws IOException {
        check(name);
        if (!value.matches("[0-9A-Za-z ._-]*")) {
            throw new IllegalArgumentException("bad sysctl value: " + value);
        }
        CommandRunner.CommandResult r = runner.run(argv("-w", name + "=" + value), "", Duration.ofSeconds(10));
        if (!r.ok()) {
            throw new IOException("sysctl -w " + name + "=" + value + ": " + r.stderr().strip());
        }
    }

    private List<String> argv(String flag, String arg) {
        List<String> a = new ArrayList<>(prefix);
        a.add("sysctl");
        a.add(flag);
        a.add(arg);
        return a;
    }

    private static void check(String name) {
        if (!name.matches("[A-Za-z0-9_/.-]+") || name.contains("..") || name.startsWith("/")) {
            throw new IllegalArgumentException("bad sysctl name: " + name);
        }
    }
}
