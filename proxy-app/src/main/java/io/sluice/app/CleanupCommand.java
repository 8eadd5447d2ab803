package io.sluice.app;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncException;
import io.sluice.core.config.ProxyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code sluice cleanup}: removes what Sluice (or kube-proxy in the same mode) installed and nothing else; the only
 * way Sluice's rules are ever removed. Idempotent: a second run finds nothing and succeeds.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class, description = "Remove the rules and objects Sluice (or kube-proxy in the same mode) installed.")
public final class CleanupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "iptables|ipvs|nftables", description = "Backend whose state to remove (default: the config's mode, else iptables).")
    String backend;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() {
        ProxyConfig cfg = configOptions.resolve(backend);
        BackendContext ctx = new BackendContext(cfg, null, KernelAssumptions.PROBE, null, null);
        try (ProxyBackend b = Backends.provider(cfg.mode()).create(ctx)) {
            b.cleanup();
        } catch (SyncException e) {
            throw new CliException(SluiceMain.EXIT_FAILURE, "cleanup failed: " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("sluice: removed " + cfg.mode() + " state");
        return 0;
    }
}
