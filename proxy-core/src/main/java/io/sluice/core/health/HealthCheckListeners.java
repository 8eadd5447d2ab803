package io.sluice.core.health;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Opens the sockets of health-check node ports (kube-proxy's {@code listener} + {@code httpServerFactory} in
 * pkg/proxy/healthcheck). The real one is {@link NioHealthCheckListeners}; tests pass an in-memory fake.
 */
@FunctionalInterface
public interface HealthCheckListeners {

    /**
     * Binds {@code ip:port} now (so a bind failure is thrown to the caller) and serves every request on it with the
     * response {@code responder} computes at request time.
     *
     * @param ip an IP literal, or {@code 0.0.0.0} / {@code ::} for every address
     * @throws IOException when the address cannot be bound (in use, not local, ...)
     */
    Listener listen(String ip, int port, Supplier<HealthCheckResponse> responder) throws IOException;

    /** An open listener. {@link #close()} releases the port; idempotent, never throws. */
    interface Listener extends AutoCloseable {
        @Override
        void close();
    }
}
