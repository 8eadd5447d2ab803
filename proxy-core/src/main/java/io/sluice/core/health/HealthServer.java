package io.sluice.core.health;

import com.sun.net.httpserver.HttpExchange;
import io.sluice.core.metrics.ProxyMetrics;

import java.io.IOException;
import java.util.Objects;

/**
 * kube-proxy's health server on {@code healthzBindAddress} (default {@code 0.0.0.0:10256}):
 * <ul>
 *   <li>{@code /healthz}: 200 when {@link ProxyHealth} is healthy and the node eligible, else 503; body
 *   {@code {"lastUpdated": "<RFC 3339>", "currentTime": "<RFC 3339>", "nodeEligible": true}}. Cloud load balancers
 *   probe this, so a node being deleted drains.</li>
 *   <li>{@code /livez}: the same without node state (the liveness probe must not restart a draining proxy).</li>
 * </ul>
 * Every response increments {@code kubeproxy_proxy_healthz_total{code}} / {@code kubeproxy_proxy_livez_total{code}}.
 * Times are ISO-8601 instants (kube-proxy prints Go's {@code time.Time} String form; no client parses either).
 * Starts serving in the constructor; {@link #close()} is idempotent.
 */
public final class HealthServer extends HttpEndpoint {

    private static final String JSON = "application/json";

    private final ProxyHealth health;
    private final ProxyMetrics metrics;

    /**
     * @param bindAddress {@code ip:port}; port 0 picks a free port (see {@link #port()})
     * @param metrics     where response codes are counted; null for none
     * @throws IOException when the address cannot be bound
     */
    public HealthServer(String bindAddress, ProxyHealth health, ProxyMetrics metrics) throws IOException {
        super(bindAddress, "sluice-healthz");
        this.health = Objects.requireNonNull(health, "health");
        this.metrics = metrics;
        server().createContext("/", guarded(this::handle));
        startServer();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/healthz")) {
            ProxyHealth.Status s = health.status();
            int code = s.healthzOk() ? 200 : 503;
            if (metrics != null) {
                metrics.healthzResponse(code);
            }
            respond(ex, code, JSON, "{\"lastUpdated\": \"" + s.lastUpdated() + "\",\"currentTime\": \""
                    + s.currentTime() + "\", \"nodeEligible\": " + s.nodeEligible() + "}");
        } else if (path.equals("/livez")) {
            ProxyHealth.Status s = health.status();
            int code = s.healthy() ? 200 : 503;
            if (metrics != null) {
                metrics.livezResponse(code);
            }
            respond(ex, code, JSON, "{\"lastUpdated\": \"" + s.lastUpdated() + "\",\"currentTime\": \""
                    + s.currentTime() + "\"}");
        } else {
            notFound(ex);
        }
    }
}
