package io.sluice.iptables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendProvider;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.iptables.exec.IptablesSystem;

/** {@code --backend iptables}: the host's iptables tools, detected and probed on the first sync, not here. */
public final class IptablesBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public ProxyBackend create(BackendContext context) {
        return new IptablesBackend(context, IptablesSystem.host(new ProcessCommandRunner()));
    }
}
