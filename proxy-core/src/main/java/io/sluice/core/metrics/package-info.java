/**
 * Prometheus metrics with kube-proxy's exact series ({@link io.sluice.core.metrics.ProxyMetrics},
 * {@link io.sluice.core.metrics.MetricNames}); docs/metrics.md lists the same families.
 */
package io.sluice.core.metrics;
