package io.sluice.app;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * Removes what the other proxy modes left when a mode starts, as kube-proxy does (cmd/kube-proxy/app/server_linux.go
 * {@code platformCleanup} / {@code cleanupLeftovers}): nftables mode removes iptables-mode and IPVS-mode state;
 * iptables and IPVS modes remove the nftables {@code kube-proxy} tables. Each removal is the other backend's own
 * {@code cleanup()}, so it deletes only what that mode writes. IPVS leftovers are looked for only when the
 * {@code kube-ipvs0} interface exists (IPVS mode's marker), so a node that never ran IPVS mode keeps its virtual
 * servers. Failures are logged and do not stop the start: the leftovers are harmless to the new mode's correctness.
 */
final class ModeSwitchCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(ModeSwitchCleanup.class);
    static final Path IPVS_INTERFACE = Path.of("/sys/class/net/kube-ipvs0");

    private ModeSwitchCleanup() {
    }

    /** The backends whose leftovers a start in {@code mode} removes. */
    static List<String> leftoverModes(String mode, Predicate<Path> exists) {
        if ("nftables".equals(mode)) {
            return exists.test(IPVS_INTERFACE) ? List.of("iptables", "ipvs") : List.of("iptables");
        }
        return List.of("nftables");
    }

    static void run(String mode, BackendContext ctx) {
        for (String other : leftoverModes(mode, Files::exists)) {
            if (!Backends.names().contains(other)) {
                continue;
            }
            try (ProxyBackend b = Backends.provider(other).create(ctx)) {
                b.cleanup();
                LOG.info("{} mode: removed {}-mode leftovers (if any)", mode, other);
            } catch (SyncException | RuntimeException e) {
                LOG.warn("{} mode: could not remove {}-mode leftovers: {}", mode, other, e.getMessage());
            }
        }
    }
}
