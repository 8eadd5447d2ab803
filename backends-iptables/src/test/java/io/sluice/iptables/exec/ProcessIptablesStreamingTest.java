package io.sluice.iptables.exec;

import io.sluice.core.exec.IptablesVariant;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.model.IpFamily;
import io.sluice.iptables.render.RestorePayload;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ProcessIptables} streams restore payloads into stdin and reads {@code iptables-save} line by line. */
class ProcessIptablesStreamingTest {

    /** Records streamed calls; answers {@code --version} and a save text. */
    static final class StreamingRunner implements CommandRunner {
        final List<List<String>> argvs = new ArrayList<>();
        final List<String> stdins = new ArrayList<>();
        int restoreExit;

        @Override
        public CommandResult run(List<String> argv, String stdin, Duration timeout) {
            return new CommandResult(0, "iptables v1.8.9 (legacy)", "");
        }

        @Override
        public CommandResult run(List<String> argv, StdinWriter stdin, Consumer<String> stdoutLines,
                                 Duration timeout) {
            argvs.add(argv);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try {
                stdin.writeTo(buf);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            stdins.add(buf.toString(StandardCharsets.UTF_8));
            if (argv.get(0).endsWith("-save")) {
                List.of("# Generated", "*nat", ":PREROUTING ACCEPT [0:0]", ":KUBE-SVC-ABC - [0:0]",
                        "-A KUBE-SVC-ABC -j KUBE-SEP-DEF", ":KUBE-SEP-DEF - [0:0]", "COMMIT").forEach(stdoutLines);
                return new CommandResult(0, "", "");
            }
            return new CommandResult(restoreExit, "", restoreExit == 0 ? "" : "line 2 failed");
        }
    }

    @Test
    void givenAChunkedPayloadWhenRestoredThenItIsStreamedWithKubeProxysFlags() throws Exception {
        StreamingRunner r = new StreamingRunner();
        ProcessIptables ipt = new ProcessIptables(r, IpFamily.IPv4, IptablesVariant.LEGACY, List.of("ip", "netns", "exec", "x"));
        RestorePayload payload = new RestorePayload.Builder().append("*nat\n")
                .appendShared(":KUBE-SVC-ABC - [0:0]\n".repeat(20)).append("COMMIT\n").build();

        ipt.restore(payload, Optional.empty());

        assertThat(r.argvs).containsExactly(List.of("ip", "netns", "exec", "x", "iptables-legacy-restore", "-w", "5",
                "-W", "100000", "--noflush", "--counters"));
        assertThat(r.stdins).containsExactly(payload.toString());
    }

    @Test
    void givenARejectedPayloadWhenRestoredThenTheExitCodeAndStderrAreThrown() {
        StreamingRunner r = new StreamingRunner();
        r.restoreExit = 2;
        ProcessIptables ipt = new ProcessIptables(r, IpFamily.IPv4, IptablesVariant.LEGACY);

        assertThatThrownBy(() -> ipt.restore(RestorePayload.of("*nat\nbroken\nCOMMIT\n"), Optional.empty()))
                .isInstanceOf(IptablesException.class).hasMessageContaining("exit 2").hasMessageContaining("line 2");
    }

    @Test
    void givenASavedTableWhenChainsAreReadThenOnlyDeclaredChainNamesAreKept() throws Exception {
        StreamingRunner r = new StreamingRunner();
        ProcessIptables ipt = new ProcessIptables(r, IpFamily.IPv4, IptablesVariant.LEGACY);

        assertThat(ipt.declaredChains("nat")).containsExactlyInAnyOrder("PREROUTING", "KUBE-SVC-ABC", "KUBE-SEP-DEF");
        assertThat(r.argvs).containsExactly(List.of("iptables-legacy-save", "-t", "nat"));
    }
}
