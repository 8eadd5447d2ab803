package io.sluice.iptables.exec;

import io.sluice.core.exec.IptablesVersion;

import io.sluice.core.exec.IptablesVariant;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.Sysctl;
import io.sluice.core.model.IpFamily;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An {@link IptablesSystem} for tests: one {@link FakeIptables} per family, a command runner that records every
 * command (conntrack, nfacct) and answers success, and a map-backed sysctl. Public so that other modules' tests can
 * drive an {@code IptablesBackend} without a kernel. Thread-safe.
 */
public final class FakeIptablesSystem implements IptablesSystem {
    private final Map<IpFamily, FakeIptables> iptables = new EnumMap<>(IpFamily.class);
    private final List<List<String>> commands = new ArrayList<>();
    private final Map<String, String> sysctls = new TreeMap<>();

    public FakeIptablesSystem() {
        iptables.put(IpFamily.IPv4, new FakeIptables());
        iptables.put(IpFamily.IPv6, new FakeIptables(IpFamily.IPv6, IptablesVariant.NFT,
                new IptablesVersion(1, 8, 9, "nf_tables")));
    }

    public FakeIptables fake(IpFamily family) {
        return iptables.get(family);
    }

    @Override
    public Iptables iptables(IpFamily family) {
        return iptables.get(family);
    }

    @Override
    public List<Iptables> allVariants(IpFamily family) {
        return List.of(iptables.get(family));
    }

    /** Every command run through {@link #commands()}, in order. */
    public synchronized List<List<String>> commandLog() {
        return List.copyOf(commands);
    }

    @Override
    public CommandRunner commands() {
        return (argv, stdin, timeout) -> {
            synchronized (FakeIptablesSystem.this) {
                commands.add(List.copyOf(argv));
            }
            return new CommandRunner.CommandResult(0, "", "");
        };
    }

    @Override
    public Sysctl sysctl() {
        return new Sysctl() {
            @Override
            public Optional<String> get(String name) {
                synchronized (FakeIptablesSystem.this) {
                    return Optional.ofNullable(sysctls.get(name));
                }
            }

            @Override
            public void set(String name, String value) {
                synchronized (FakeIptablesSystem.this) {
                    sysctls.put(name, value);
                }
            }
        };
    }
}
