package io.sluice.app;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"run", "dump", "cleanup", "version"})
    void everyCommandExplainsItself(String command) {
        CliRunner r = CliRunner.run(command, "--help");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Usage: sluice " + command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--help"})
    void theRootListsTheCommands(String arg) {
        CliRunner r = arg.isEmpty() ? CliRunner.run() : CliRunner.run(arg);

        assertThat(r.out() + r.err()).contains("run").contains("dump").contains("cleanup").contains("version");
    }
}
