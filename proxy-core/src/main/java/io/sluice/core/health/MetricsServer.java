package io.sluice.core.health;

import com.sun.net.httpserver.HttpExchange;
import io.sluice.core.metrics.ProxyMetrics;

import java.io.IOException;
import java.util.Objects;

/**
 * Serves {@code /metrics} (Prometheus text format 0.0.4) on {@code metricsBindAddress} (default
 * {@code 127.0.0.1:10249}). Starts serving in the constructor; {@link #close()} is idempotent.
 */
public final class MetricsServer extends HttpEndpoint {

    private final ProxyMetrics metrics;

    /**
     * @param bindAddress {@code ip:port}; port 0 picks a free port (see {@link #port()})
     * @throws IOException when the address cannot be bound
     */
    public MetricsServer(String bindAddress, ProxyMetrics metrics) throws IOException {
        super(bindAddress, "sluice-metrics");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        server().createContext("/", this::handle);
        startServer();
    }

    private void handle(HttpExchange ex) throws IOException {
        if (ex.getRequestURI().getPath().equals("/metrics")) {
            respond(ex, 200, ProxyMetrics.CONTENT_TYPE, metrics.scrape());
        } else {
            notFound(ex);
        }
    }
}
