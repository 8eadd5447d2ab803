package io.sluice.nftables;

import io.sluice.core.backend.BackendMetrics;
import io.sluice.core.model.IpFamily;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link BackendMetrics} that keeps gauges and counts counters, keyed "name/labels". */
final class RecordingMetrics implements BackendMetrics {
    final Map<String, Long> values = new ConcurrentHashMap<>();

    long get(String key) {
        return values.getOrDefault(key, 0L);
    }

    @Override
    public void restoreFailure(IpFamily family) {
        values.merge("restoreFailure/" + family, 1L, Long::sum);
    }

    @Override
    public void partialRestoreFailure(IpFamily family) {
        values.merge("partialRestoreFailure/" + family, 1L, Long::sum);
    }

    @Override
    public void iptablesRules(String table, IpFamily family, long total, long last) {
        values.put("iptables/" + table + "/" + family, total);
    }

    @Override
    public void noLocalEndpoints(String trafficPolicy, IpFamily family, long count) {
        values.put("noLocal/" + trafficPolicy + "/" + family, count);
    }

    @Override
    public void backendError(String backend, String operation) {
        values.merge("error/" + backend + "/" + operation, 1L, Long::sum);
    }

    @Override
    public void invalidObject(String kind, String object, String reason) {
        values.merge("invalid/" + kind + "/" + reason, 1L, Long::sum);
    }

    @Override
    public void nftablesSyncFailure(IpFamily family) {
        values.merge("syncFailure/" + family, 1L, Long::sum);
    }

    @Override
    public void nftablesCleanupFailure(IpFamily family) {
        values.merge("cleanupFailure/" + family, 1L, Long::sum);
    }
}
