package io.sluice.core.health;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/** In-memory {@link HealthCheckListeners}: records open listeners by {@code ip:port}; ports can be made unbindable. */
final class FakeHealthCheckListeners implements HealthCheckListeners {
    final Map<String, Supplier<HealthCheckResponse>> open = new TreeMap<>();
    final Set<String> unbindable = new TreeSet<>();
    int listenCalls;

    @Override
    public synchronized Listener listen(String ip, int port, Supplier<HealthCheckResponse> responder)
            throws IOException {
        listenCalls++;
        String key = ip + ":" + port;
        if (unbindable.contains(key) || open.containsKey(key)) {
            throw new IOException("bind " + key + ": Address already in use");
        }
        open.put(key, responder);
        return () -> {
            synchronized (FakeHealthCheckListeners.this) {
                open.remove(key);
            }
        };
    }

    synchronized HealthCheckResponse get(String ipPort) {
        Supplier<HealthCheckResponse> r = open.get(ipPort);
        return r == null ? null : r.get();
    }
}
