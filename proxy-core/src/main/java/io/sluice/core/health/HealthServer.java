package io.sluice.core.health;

import com.sun.net.httpserver.HttpExchange;
import io.sluice.core.metrics.ProxyMetrics;
import io.sluice.core.model.IpFamily;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;

/**
 * kube-proxy's health server on {@code healthzBindAddress} (default {@code 0.0.0.0:10256}):
 * <ul>
 *   <li>{@code /healthz}: 200 when {@link ProxyHealth} is healthy and the node eligible, else 503. Cloud load
 *   balancers probe this, so a node being deleted drains.</li>
 *   <li>{@code /livez}: the same without node state (the liveness probe must not restart a draining proxy).</li>
 * </ul>
 * The body is kube-proxy's {@code ProxyHealth} JSON ({@code pkg/proxy/healthcheck/proxy_health.go}), e.g.
 * {@code {"lastUpdated":"2026-01-01T00:00:00Z","currentTime":"2026-01-01T00:00:00Z","nodeEligible":true,
 * "healthy":true,"status":{"IPv4":{"lastUpdated":"2026-01-01T00:00:00Z","healthy":true}}}}: {@code lastUpdated} is
 * the current time when healthy; {@code nodeEligible} only in {@code /healthz}; {@code status} per judged family,
 * left out when none is judged yet. Times are RFC 3339 with Go's {@code RFC3339Nano} trimming; a time never set is
 * Go's zero time. Every response increments {@code kubeproxy_proxy_healthz_total{code}} /
 * {@code kubeproxy_proxy_livez_total{code}}.
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
            respond(ex, code, JSON, body(s, true));
        } else if (path.equals("/livez")) {
            ProxyHealth.Status s = health.status();
            int code = s.healthy() ? 200 : 503;
            if (metrics != null) {
                metrics.livezResponse(code);
            }
            respond(ex, code, JSON, body(s, false));
        } else {
            notFound(ex);
        }
    }

    /** kube-proxy's JSON, fields in its struct order (lastUpdated, currentTime, nodeEligible, healthy, status). */
    static String body(ProxyHealth.Status s, boolean withNodeEligible) {
        StringBuilder b = new StringBuilder(160).append("{\"lastUpdated\":\"").append(goTime(s.lastUpdated()))
                .append("\",\"currentTime\":\"").append(goTime(s.currentTime())).append('"');
        if (withNodeEligible) {
            b.append(",\"nodeEligible\":").append(s.nodeEligible());
        }
        b.append(",\"healthy\":").append(s.healthy());
        if (!s.families().isEmpty()) {
            b.append(",\"status\":{");
            String sep = "";
            for (Map.Entry<IpFamily, ProxyHealth.FamilyStatus> e : s.families().entrySet()) {
                b.append(sep).append('"').append(e.getKey().name()).append("\":{\"lastUpdated\":\"")
                        .append(goTime(e.getValue().lastUpdated())).append("\",\"healthy\":")
                        .append(e.getValue().healthy()).append('}');
                sep = ",";
            }
            b.append('}');
        }
        return b.append('}').toString();
    }

    /** Go's {@code time.Time} JSON form (RFC3339Nano: no trailing zeros in the fraction); null is the zero time. */
    static String goTime(Instant t) {
        if (t == null) {
            return "0001-01-01T00:00:00Z";
        }
        String iso = t.truncatedTo(ChronoUnit.NANOS).toString();
        int dot = iso.indexOf('.');
        if (dot < 0) {
            return iso;
        }
        int end = iso.length() - 1;              // the 'Z'
        int last = end - 1;
        while (last > dot && iso.charAt(last) == '0') {
            last--;
        }
        return (last == dot ? iso.substring(0, dot) : iso.substring(0, last + 1)) + "Z";
    }
}
