package io.sluice.ipvs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelIpvsTest {
    @Test
    void missingNetlinkClassGivesAClearError() {
        boolean present;
        try {
            Class.forName(KernelIpvs.NETLINK_CLIENT);
            present = true;
        } catch (ClassNotFoundException e) {
            present = false;
        }
        if (!present) {
            assertThatThrownBy(() -> KernelIpvs.netlink(new io.sluice.core.exec.ProcessCommandRunner()).openClient()).isInstanceOf(IpvsException.class)
                    .hasMessageContaining(KernelIpvs.NETLINK_CLIENT).hasMessageContaining("not available");
        } else {
            assertThat(KernelIpvs.netlink(new io.sluice.core.exec.ProcessCommandRunner())).isNotNull();
        }
    }

    @Test
    void providerIsRegisteredAsIpvs() {
        var providers = java.util.ServiceLoader.load(io.sluice.core.backend.BackendProvider.class);
        assertThat(providers.stream().map(p -> p.get().name())).contains("ipvs");
    }

    @Test
    void factoryPrefersOpenWithCommandRunner() throws Exception {
        io.sluice.core.exec.CommandRunner runner = (argv, stdin, timeout) ->
                new io.sluice.core.exec.CommandRunner.CommandResult(0, "", "");
        DummyLink link = ReflectiveFactory.create(StubOpenable.class.getName(), DummyLink.class, runner);
        assertThat(link).isInstanceOf(StubOpenable.class);
        assertThat(StubOpenable.seen).isSameAs(runner);
        assertThatThrownBy(() -> ReflectiveFactory.create(StubOpenable.class.getName(), IpvsClient.class, runner))
                .isInstanceOf(IpvsException.class);
    }
}
