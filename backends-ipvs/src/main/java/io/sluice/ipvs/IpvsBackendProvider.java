package io.sluice.ipvs;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.BackendProvider;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.exec.ProcessCommandRunner;

/**
 * The "ipvs" backend. The kernel (netlink IPVS client and dummy link, ipset, iptables) is opened on the first sync
 * or cleanup, so dumps ({@code render}) work on machines without IPVS or without the netlink classes.
 */
public final class IpvsBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return IpvsBackend.NAME;
    }

    @Override
    public ProxyBackend create(BackendContext context) {
        ProcessCommandRunner runner = new ProcessCommandRunner();
        String release;
        try {
            release = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (java.io.IOException e) {
            release = "";
        }
        IpvsKernelModules modules = new IpvsKernelModules(java.nio.file.Path.of("/proc/modules"),
                java.nio.file.Path.of("/lib/modules", release), runner);
        return new IpvsBackend(context, IpvsKernel.real(KernelIpvs.netlink(runner), runner), modules);
    }
}
