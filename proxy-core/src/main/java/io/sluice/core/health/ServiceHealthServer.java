package io.sluice.core.health;

import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Health-check node ports, as kube-proxy's {@code ServiceHealthServer} (pkg/proxy/healthcheck/service_health.go): one
 * HTTP listener per {@code healthCheckNodePort} (LoadBalancer Services with {@code externalTrafficPolicy: Local}) on
 * each of the node's node-port addresses. Cloud load balancers probe it: 200 while the node has ready local endpoints
 * for the Service and the proxy is healthy, else 503 ({@link HealthCheckResponse}).
 *
 * <ul>
 *   <li>{@link #syncServices}: closes the listeners of Services that are gone or changed port, opens the new ones,
 *   leaves the others alone. A port that cannot be bound is logged and counted ({@code onListenFailure}) and the
 *   Service is not recorded as open, so the next sync tries again (kube-proxy does the same); never fatal. If one
 *   address of a Service fails, the addresses already opened for it are closed, so a retry starts clean.</li>
 *   <li>{@link #syncEndpoints}: the local ready endpoint count per Service; Services missing from the map drop to 0.</li>
 *   <li>{@link #sync(ProxySnapshot, String)} does both from a snapshot, after a successful sync.</li>
 * </ul>
 * Thread-safe: syncs run on the sync thread, requests on the listeners' thread; state is guarded by this object.
 */
public final class ServiceHealthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceHealthServer.class);

    private final List<String> bindAddresses;
    private final HealthCheckListeners listeners;
    private final BooleanSupplier proxyHealthy;
    private final Runnable onListenFailure;
    private final Map<NamespacedName, Instance> services = new TreeMap<>();
    private boolean closed;

    /**
     * @param bindAddresses   where every health-check port listens: the node-port addresses, or one wildcard
     *                        ({@code 0.0.0.0} or {@code ::}) when nodePortAddresses matches all
     * @param proxyHealthy    the proxy's own health ({@link ProxyHealth#isHealthy()}: kube-proxy's
     *                        {@code healthzServer.IsHealthy()}), read at request time
     * @param onListenFailure called once per Service whose port could not be opened (e.g. a metric increment)
     */
    public ServiceHealthServer(List<String> bindAddresses, HealthCheckListeners listeners, BooleanSupplier proxyHealthy,
                               Runnable onListenFailure) {
        if (bindAddresses.isEmpty()) {
            // kube-proxy: GetNodeIPs matched nothing, so its health-check ports listen nowhere.
            LOG.warn("No node-port address matches nodePortAddresses: health-check node ports are not served");
        }
        this.bindAddresses = List.copyOf(bindAddresses);
        this.listeners = Objects.requireNonNull(listeners, "listeners");
        this.proxyHealthy = Objects.requireNonNull(proxyHealthy, "proxyHealthy");
        this.onListenFailure = onListenFailure == null ? () -> { } : onListenFailure;
    }

    public List<String> bindAddresses() {
        return bindAddresses;
    }

    /**
     * kube-proxy's {@code ServicePortMap.HealthCheckNodePorts}: Service → its health-check node port, for every port
     * of the snapshot that has one.
     */
    public static SortedMap<NamespacedName, Integer> healthCheckNodePorts(ProxySnapshot snapshot) {
        SortedMap<NamespacedName, Integer> out = new TreeMap<>();
        for (ServicePort sp : snapshot.services().values()) {
            if (sp.healthCheckNodePort() != 0) {
                out.put(sp.name().service(), sp.healthCheckNodePort());
            }
        }
        return out;
    }

    /**
     * kube-proxy's {@code EndpointsMap.LocalReadyEndpoints}: Service → number of distinct ready endpoints
     * ({@code ip:port}) on this node over all its ports. Services without any are absent. One Sluice server serves
     * every family, so a dual-stack pod counts once per address family.
     */
    public static SortedMap<NamespacedName, Integer> localReadyEndpoints(ProxySnapshot snapshot, String nodeName) {
        Map<NamespacedName, Set<String>> eps = new TreeMap<>();
        for (Map.Entry<ServicePortName, List<Endpoint>> e : snapshot.endpoints().entrySet()) {
            for (Endpoint ep : e.getValue()) {
                if (ep.ready() && ep.isLocal(nodeName)) {
                    eps.computeIfAbsent(e.getKey().service(), k -> new HashSet<>()).add(ep.ipPort());
                }
            }
        }
        SortedMap<NamespacedName, Integer> out = new TreeMap<>();
        eps.forEach((k, v) -> out.put(k, v.size()));
        return out;
    }

    /** Both syncs from a snapshot, as kube-proxy's proxiers do at the end of every successful syncProxyRules. */
    public void sync(ProxySnapshot snapshot, String nodeName) {
        syncServices(healthCheckNodePorts(snapshot));
        syncEndpoints(localReadyEndpoints(snapshot, nodeName));
    }

    /** Opens and closes listeners so that exactly {@code newServices} (Service → port) are served. */
    public synchronized void syncServices(Map<NamespacedName, Integer> newServices) {
        if (closed) {
            return;
        }
        services.entrySet().removeIf(e -> {
            Integer port = newServices.get(e.getKey());
            if (port != null && port == e.getValue().port) {
                return false;
            }
            LOG.debug("Closing healthcheck for {} on port {}", e.getKey(), e.getValue().port);
            e.getValue().closeAll();
            return true;
        });
        for (Map.Entry<NamespacedName, Integer> e : new TreeMap<>(newServices).entrySet()) {
            NamespacedName nsn = e.getKey();
            if (services.containsKey(nsn)) {
                continue;
            }
            int port = e.getValue();
            Instance inst = new Instance(nsn, port);
            try {
                inst.listenAll();
            } catch (IOException | RuntimeException ex) {
                onListenFailure.run();
                LOG.error("Failed to start healthcheck for service {} on port {} ({}); retrying on the next sync",
                        nsn, port, ex.toString());
                continue;
            }
            LOG.info("Opened healthcheck for service {} on port {}", nsn, port);
            services.put(nsn, inst);
        }
    }

    /** Records the local ready endpoints per Service; open Services not in the map get 0. */
    public synchronized void syncEndpoints(Map<NamespacedName, Integer> newEndpoints) {
        for (Map.Entry<NamespacedName, Instance> e : services.entrySet()) {
            Integer n = newEndpoints.get(e.getKey());
            e.getValue().endpoints = n == null ? 0 : n;
        }
    }

    /** Services with open listeners → port, sorted. */
    public synchronized SortedMap<NamespacedName, Integer> openPorts() {
        SortedMap<NamespacedName, Integer> out = new TreeMap<>();
        services.forEach((k, v) -> out.put(k, v.port));
        return out;
    }

    /** The answer a probe of {@code service}'s port would get now, or null when its port is not open. */
    public HealthCheckResponse respond(NamespacedName service) {
        int count;
        synchronized (this) {
            Instance inst = services.get(service);
            if (inst == null) {
                return null;
            }
            count = inst.endpoints;
        }
        return HealthCheckResponse.of(service, count, proxyHealthy.getAsBoolean());
    }

    /** Closes every listener; later syncs do nothing. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        services.values().forEach(Instance::closeAll);
        services.clear();
    }

    private final class Instance {
        final NamespacedName nsn;
        final int port;
        final List<HealthCheckListeners.Listener> open = new ArrayList<>();
        int endpoints;

        Instance(NamespacedName nsn, int port) {
            this.nsn = nsn;
            this.port = port;
        }

        void listenAll() throws IOException {
            try {
                for (String ip : bindAddresses) {
                    open.add(listeners.listen(ip, port, this::answer));
                }
            } catch (IOException | RuntimeException e) {
                closeAll(); // as kube-proxy: release what was opened, so a retry or a port owner change works
                throw e;
            }
        }

        HealthCheckResponse answer() {
            HealthCheckResponse r = respond(nsn);
            // A request racing a close: kube-proxy logs "Received request for closed healthcheck" and answers
            // nothing useful; a 503 tells the load balancer the same.
            return r != null ? r : HealthCheckResponse.of(nsn, 0, false);
        }

        void closeAll() {
            open.forEach(HealthCheckListeners.Listener::close);
            open.clear();
        }
    }
}
