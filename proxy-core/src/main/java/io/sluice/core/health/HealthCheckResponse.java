package io.sluice.core.health;

import io.sluice.core.model.NamespacedName;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a health-check node port answers, exactly as kube-proxy's {@code hcHandler.ServeHTTP}
 * (pkg/proxy/healthcheck/service_health.go): 200 when the Service has local endpoints and the proxy is healthy, 503
 * otherwise; headers {@code Content-Type: application/json}, {@code X-Content-Type-Options: nosniff} and
 * {@code X-Load-Balancing-Endpoint-Weight: <local endpoints>}; the body is kube-proxy's dedented JSON (tabs, no
 * trailing newline). Every method gets the same answer, as in kube-proxy.
 *
 * @param code    200 or 503
 * @param headers sorted by name
 * @param body    the JSON document
 */
public record HealthCheckResponse(int code, Map<String, String> headers, String body) {
    public HealthCheckResponse {
        headers = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(headers));
    }

    /** kube-proxy's answer for {@code service} with {@code localEndpoints} and the proxy's health. */
    public static HealthCheckResponse of(NamespacedName service, int localEndpoints, boolean proxyHealthy) {
        int code = localEndpoints != 0 && proxyHealthy ? 200 : 503;
        Map<String, String> headers = Map.of(
                "Content-Type", "application/json",
                "X-Content-Type-Options", "nosniff",
                "X-Load-Balancing-Endpoint-Weight", Integer.toString(localEndpoints));
        String body = "{\n"
                + "\t\"service\": {\n"
                + "\t\t\"namespace\": " + quote(service.namespace()) + ",\n"
                + "\t\t\"name\": " + quote(service.name()) + "\n"
                + "\t},\n"
                + "\t\"localEndpoints\": " + localEndpoints + ",\n"
                + "\t\"serviceProxyHealthy\": " + proxyHealthy + "\n"
                + "}";
        return new HealthCheckResponse(code, headers, body);
    }

    /** Go's {@code %q} for the DNS-label names a Service has: a JSON string with escapes for the odd character. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
