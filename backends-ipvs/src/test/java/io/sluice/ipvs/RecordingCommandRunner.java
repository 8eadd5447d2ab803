package io.sluice.ipvs;

import io.sluice.core.exec.CommandRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Records argv lists; {@code iptables -C} succeeds only for rules previously inserted with {@code -I}. */
public final class RecordingCommandRunner implements CommandRunner {
    final List<List<String>> calls = new ArrayList<>();
    final Set<List<String>> rules = new HashSet<>();

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        calls.add(List.copyOf(argv));
        int op = argv.indexOf("-C") >= 0 ? argv.indexOf("-C") : argv.indexOf("-I") >= 0 ? argv.indexOf("-I")
                : argv.indexOf("-D");
        if (op < 0) {
            return new CommandResult(0, "", "");
        }
        List<String> rule = new ArrayList<>(argv.subList(op + 1, argv.size()));
        rule.add(0, argv.get(0));
        switch (argv.get(op)) {
            case "-C":
                return new CommandResult(rules.contains(rule) ? 0 : 1, "", "");
            case "-I":
                rules.add(rule);
                return new CommandResult(0, "", "");
            default:
                rules.remove(rule);
                return new CommandResult(0, "", "");
        }
    }
}
