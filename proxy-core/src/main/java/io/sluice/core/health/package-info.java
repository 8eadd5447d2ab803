/**
 * Health with kube-proxy's semantics ({@link io.sluice.core.health.ProxyHealth}) and the two small HTTP servers:
 * {@link io.sluice.core.health.HealthServer} ({@code /healthz}, {@code /livez} on healthzBindAddress) and
 * {@link io.sluice.core.health.MetricsServer} ({@code /metrics} on metricsBindAddress).
 */
package io.sluice.core.health;
