package io.sluice.iptables.exec;

import io.sluice.core.exec.IptablesVariant;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.Sysctl;
import io.sluice.core.model.IpFamily;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** {@link IptablesSystem} over processes, optionally under a command prefix (a network namespace). Thread-safe. */
final class ProcessIptablesSystem implements IptablesSystem {
    private final CommandRunner runner;
    private final List<String> prefix;
    private final IptablesVariant fixedVariant;
    private final Sysctl sysctl;
    private final CommandRunner prefixed;
    private final Map<IpFamily, Iptables> detected = new EnumMap<>(IpFamily.class);

    ProcessIptablesSystem(CommandRunner runner, List<String> prefix, IptablesVariant fixedVariant, Sysctl sysctl) {
        this.runner = runner;
        this.prefix = List.copyOf(prefix);
        this.fixedVariant = fixedVariant;
        this.sysctl = sysctl;
        this.prefixed = prefix.isEmpty() ? runner : (argv, stdin, timeout) -> {
            List<String> full = new ArrayList<>(this.prefix);
            full.addAll(argv);
            return runner.run(full, stdin, timeout);
        };
    }

    @Override
    public synchronized Iptables iptables(IpFamily family) {
        return detected.computeIfAbsent(family, f -> new ProcessIptables(runner, f,
                fixedVariant != null ? fixedVariant : IptablesVariant.detect(prefixed, f), prefix));
    }

    @Override
    public List<Iptables> allVariants(IpFamily family) {
        List<Iptables> out = new ArrayList<>();
        for (IptablesVariant v : IptablesVariant.values()) {
            if (prefixed.run(List.of(v.binary(family, "save"), "-t", "filter"), "", Duration.ofSeconds(30)).ok()) {
                out.add(new ProcessIptables(runner, family, v, prefix));
            }
        }
        return out;
    }

    @Override
    public CommandRunner commands() {
        return prefixed;
    }

    @Override
    public Sysctl sysctl() {
        return sysctl;
    }
}
