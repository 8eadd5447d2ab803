package io.sluice.app;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.ProxySnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sluice dump}: prints exactly what a full sync would write for the given objects, without touching or reading
 * the machine. Byte-identical output for the same input.
 */
@Command(name = "dump", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class, description = "Print what a full sync would write for the given objects (no root needed).")
public final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "iptables|ipvs|nftables", description = "Backend to render (default: the config's mode, else iptables).")
    String backend;

    @Option(names = "--objects", paramLabel = "FILE", required = true, arity = "1..*",
            description = "Kubernetes YAML/JSON files (multi-document or List) with Services, EndpointSlices and the Node.")
    List<Path> objects;

    @Option(names = "--assume-nfacct", paramLabel = "BOOL", arity = "1",
            description = "Assume the nfacct counters exist (default: true).")
    Boolean assumeNfacct;

    @Option(names = "--assume-random-fully", paramLabel = "BOOL", arity = "1",
            description = "Assume iptables supports MASQUERADE --random-fully (default: true).")
    Boolean assumeRandomFully;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() {
        ProxyConfig cfg = configOptions.resolve(backend);
        ProxySnapshot snapshot = ObjectFiles.snapshot(objects, cfg);
        KernelAssumptions assumptions = new KernelAssumptions(assumeNfacct, assumeRandomFully)
                .orDefaults(KernelAssumptions.DUMP_DEFAULTS);
        try (ProxyBackend b = Backends.provider(cfg.mode()).create(BackendContext.forRendering(cfg, assumptions))) {
            var out = spec.commandLine().getOut();
            out.print(b.render(snapshot));
            out.flush();
        }
        return 0;
    }
}
