package io.sluice.core.health;

import com.sun.net.httpserver.HttpExchange;
import io.sluice.core.metrics.ProxyMetrics;

import java.io.IOException;
import java.util.Objects;

/**
 * kube-proxy's metrics server on {@code metricsBindAddress} (default {@code 127.0.0.1:10249}):
 * <ul>
 *   <li>{@code /metrics}: Prometheus text format 0.0.4 ({@link ProxyMetrics#CONTENT_TYPE});</li>
 *   <li>{@code /healthz}: "ok" (kube-proxy installs the generic healthz handler on this port too);</li>
 *   <li>{@code /proxyMode}: the active mode, "iptables" or "ipvs" (upstream e2e tests read it).</li>
 * </ul>
 * Starts serving in the constructor; {@link #close()} is idempotent.
 */
public final class MetricsServer extends HttpEndpoint {

    private static final String TEXT = "text/plain; charset=utf-8";

    private final ProxyMetrics metrics;
    private final String proxyMode;

    /**
     * @param bindAddress {@code ip:port}; port 0 picks a free port (see {@link #port()})
     * @param proxyMode   served at {@code /proxyMode}; null or "" to answer 404 there
     * @throws IOException when the address cannot be bound
     */
    public MetricsServer(String bindAddress, ProxyMetrics metrics, String proxyMode) throws IOException {
        super(bindAddress, "sluice-metrics");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.proxyMode = proxyMode == null ? "" : proxyMode;
        server().createContext("/", guarded(this::handle));
        startServer();
    }

    /** Without {@code /proxyMode}. */
    public MetricsServer(String bindAddress, ProxyMetrics metrics) throws IOException {
        this(bindAddress, metrics, null);
    }

    private void handle(HttpExchange ex) throws IOException {
        switch (ex.getRequestURI().getPath()) {
            case "/metrics" -> respond(ex, 200, ProxyMetrics.CONTENT_TYPE, metrics.scrape());
            case "/healthz" -> respond(ex, 200, TEXT, "ok");
            case "/proxyMode" -> {
                if (proxyMode.isEmpty()) {
                    notFound(ex);
                } else {
                    respond(ex, 200, TEXT, proxyMode);
                }
            }
            default -> notFound(ex);
        }
    }
}
