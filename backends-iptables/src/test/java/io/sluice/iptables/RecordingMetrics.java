package io.sluice.iptables;

import io.sluice.core.backend.BackendMetrics;
import io.sluice.core.model.IpFamily;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link BackendMetrics} that keeps the last gauge values and counts the counters, keyed "name/labels". */
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
        values.put("total/" + table + "/" + family, total);
        values.put("last/" + table + "/" + family, last);
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
    public void repair(String backend, String what) {
        values.merge("repair/" + backend + "/" + what, 1L, Long::sum);
    }

    @Override
    public void invalidObject(String kind, String object, String reason) {
        values.merge("invalid/" + kind + "/" + object + "/" + reason, 1L, Long::sum);
    }
}
