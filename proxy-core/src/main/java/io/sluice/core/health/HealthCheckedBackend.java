package io.sluice.core.health;

import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ProxySnapshot;

import java.util.Objects;
import java.util.function.Function;

/**
 * A backend that updates the {@link ServiceHealthServer} after every successful sync, whatever the backend: kube-proxy's
 * proxiers call {@code serviceHealthServer.SyncServices} and {@code SyncEndpoints} at the end of a successful
 * {@code syncProxyRules} (pkg/proxy/iptables/proxier.go, pkg/proxy/ipvs/proxier.go), and not after a failed one.
 * Local endpoints are those whose node is the snapshot's node.
 *
 * <p>The server is created by {@code factory} on the first successful sync, from that snapshot's Node (its addresses
 * and families decide where the ports listen, as kube-proxy builds its server once the node IPs are known).
 * {@link #close()} closes the server (releasing every port) and the backend; kernel rules stay. Threading as
 * {@link ProxyBackend}; {@link #healthChecks()} may be read from any thread.
 */
public final class HealthCheckedBackend implements ProxyBackend {
    private final ProxyBackend delegate;
    private final Function<NodeInfo, ServiceHealthServer> factory;
    private volatile ServiceHealthServer healthChecks;

    public HealthCheckedBackend(ProxyBackend delegate, Function<NodeInfo, ServiceHealthServer> factory) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** The server, or null before the first successful sync. */
    public ServiceHealthServer healthChecks() {
        return healthChecks;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String render(ProxySnapshot snapshot) {
        return delegate.render(snapshot);
    }

    @Override
    public SyncResult sync(SyncRequest request) throws SyncException {
        SyncResult r = delegate.sync(request);
        ServiceHealthServer hc = healthChecks;
        if (hc == null) {
            hc = factory.apply(request.snapshot().node());
            healthChecks = hc;
        }
        hc.sync(request.snapshot(), request.snapshot().node().name());
        return r;
    }

    @Override
    public void checkHost() throws SyncException {
        delegate.checkHost();
    }

    @Override
    public void cleanup() throws SyncException {
        delegate.cleanup();
    }

    @Override
    public void close() {
        ServiceHealthServer hc = healthChecks;
        if (hc != null) {
            hc.close();
        }
        delegate.close();
    }
}
