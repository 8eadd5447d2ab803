package io.sluice.iptables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendProvider;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.ProxySnapshot;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class IptablesBackendProviderTest {

    @Test
    void registeredAsIptablesAndRendersWithoutTouchingTheMachine() {
        BackendProvider provider = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("iptables")).findFirst().orElseThrow();
        assertThat(provider).isInstanceOf(IptablesBackendProvider.class);
        try (ProxyBackend backend = provider.create(BackendContext.forRendering(ProxyConfig.defaults("n"),
                KernelAssumptions.DUMP_DEFAULTS))) {
            assertThat(backend.name()).isEqualTo("iptables");
            String dump = backend.render(ProxySnapshot.empty("n"));
            assertThat(dump).startsWith("*filter\n").contains("*nat\n", "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000");
        }
    }
}
