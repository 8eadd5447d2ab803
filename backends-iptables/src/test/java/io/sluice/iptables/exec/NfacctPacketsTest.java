package io.sluice.iptables.exec;

import io.sluice.core.exec.CommandRunner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NfacctPacketsTest {

    @Test
    void readsThePacketCountNfacctPrints() {
        CommandRunner runner = (argv, stdin, timeout) -> new CommandRunner.CommandResult(0,
                "{ pkts = 00000000000000000003, bytes = 00000000000000000180 } = localhost_nps_accepted_pkts;\n", "");

        assertThat(Nfacct.packets(runner, Nfacct.LOCALHOST_NODEPORTS_ACCEPTED)).isEqualTo(3);
    }

    @Test
    void aCounterThatCannotBeReadIsMinusOne() {
        CommandRunner failing = (argv, stdin, timeout) -> new CommandRunner.CommandResult(1, "", "No such file");
        CommandRunner garbage = (argv, stdin, timeout) -> new CommandRunner.CommandResult(0, "what?", "");

        assertThat(Nfacct.packets(failing, Nfacct.CT_STATE_INVALID_DROPPED)).isEqualTo(-1);
        assertThat(Nfacct.packets(garbage, Nfacct.CT_STATE_INVALID_DROPPED)).isEqualTo(-1);
    }
}
