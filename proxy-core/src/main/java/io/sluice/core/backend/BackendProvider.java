package io.sluice.core.backend;

/**
 * Discovered with {@link java.util.ServiceLoader}; each backend module registers one in
 * {@code META-INF/services/io.sluice.core.backend.BackendProvider}.
 */
public interface BackendProvider {
    /** The name users pass to {@code --backend} / {@code mode}. */
    String name();

    /** A backend wired to the real kernel (processes, netlink) unless {@code context.dryRun()}. */
    ProxyBackend create(BackendContext context);
}
