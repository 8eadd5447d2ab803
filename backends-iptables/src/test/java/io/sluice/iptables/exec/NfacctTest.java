package io.sluice.iptables.exec;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.CommandRunner.CommandResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Nfacct#ensure}: kube-proxy's nfacct.Ensure (Get, then Add; EBUSY on Add means "already exists"). */
class NfacctTest {
    /** Answers by subcommand ("get", "add"); records every argv. */
    private static final class Scripted implements CommandRunner {
        final List<List<String>> calls = new ArrayList<>();
        final Map<String, CommandResult> answers;

        Scripted(Map<String, CommandResult> answers) {
            this.answers = answers;
        }

        @Override
        public CommandResult run(List<String> argv, String stdin, Duration timeout) {
            calls.add(argv);
            return answers.get(argv.get(1));
        }
    }

    private static final CommandResult OK = new CommandResult(0, "", "");
    private static final CommandResult ENOENT = new CommandResult(1, "", "nfacct v1.0.2: error: No such file or directory\n");
    private static final CommandResult EBUSY = new CommandResult(1, "", "nfacct v1.0.2: error: Device or resource busy\n");

    @Test
    void anExistingCounterIsAvailableWithoutAdd() {
        Scripted runner = new Scripted(Map.of("get", OK, "add", EBUSY));

        assertThat(Nfacct.ensure(runner, Nfacct.CT_STATE_INVALID_DROPPED)).isTrue();
        assertThat(runner.calls).containsExactly(List.of("nfacct", "get", "ct_state_invalid_dropped_pkts"));
    }

    @Test
    void aMissingCounterIsAdded() {
        Scripted runner = new Scripted(Map.of("get", ENOENT, "add", OK));

        assertThat(Nfacct.ensure(runner, Nfacct.LOCALHOST_NODEPORTS_ACCEPTED)).isTrue();
        assertThat(runner.calls).containsExactly(List.of("nfacct", "get", "localhost_nps_accepted_pkts"),
                List.of("nfacct", "add", "localhost_nps_accepted_pkts"));
    }

    @Test
    void aCounterCreatedBetweenGetAndAddCountsAsExisting() {
        assertThat(Nfacct.ensure(new Scripted(Map.of("get", ENOENT, "add", EBUSY)), "x")).isTrue();
    }

    @Test
    void noToolOrNoKernelSupportMeansUnavailable() {
        CommandResult notFound = new CommandResult(127, "", "nfacct: not found");
        assertThat(Nfacct.ensure(new Scripted(Map.of("get", notFound, "add", notFound)), "x")).isFalse();
        CommandResult noSupport = new CommandResult(1, "", "nfacct v1.0.2: error: Protocol not supported\n");
        assertThat(Nfacct.ensure(new Scripted(Map.of("get", noSupport, "add", noSupport)), "x")).isFalse();
    }
}
