package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sluice.core.lifecycle.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Kubernetes source: fabric8 informers on Services, EndpointSlices (discovery.k8s.io/v1) and this node's own Node
 * ({@code fieldSelector=metadata.name=<node>}), feeding a {@link ProxyEventHandler} through {@link ObjectDispatcher}.
 *
 * <p><b>Selection.</b> Services and EndpointSlices are listed with the label selector of {@link ProxyNameSelector}
 * (kube-proxy's {@code !service-proxy-name,!headless}, or {@code service-proxy-name=X,!headless}). An object that
 * stops matching is seen as a delete, so its state goes away.
 *
 * <p><b>Initial sync.</b> {@link ProxyEventHandler#onInitialSyncDone()} is called exactly once, after both the
 * Services and the EndpointSlices informers have synced ({@code hasSynced()}) <em>and</em> this source's handlers have
 * received every object of their initial lists (fabric8 calls {@code onList} on the handler's own serial executor
 * after the list's notifications), never before. The Node informer does not gate it. The EndpointSlices informer
 * starts once the Services informer has listed, so the two initial lists are never decoded at the same time.
 *
 * <p><b>Memory.</b> The informers' caches hold identity stubs only ({@link IdentityOnlyStore}); every object is
 * converted into the model as it arrives, and resyncs (which replay the stubs) are not forwarded.
 *
 * <p><b>Relists.</b> After a watch fails with 410 Gone, fabric8 lists again and emits adds/updates for listed objects
 * and deletes (with the last known object, {@code deletedFinalStateUnknown=true}) for vanished ones; both are
 * forwarded like any event.
 *
 * <p><b>Threading.</b> Informer callbacks run on fabric8's executor threads, one serial stream per informer; this
 * source serialises its calls into the handler (one lock), so the handler never sees two concurrent calls from it.
 * {@link #start()} and {@link #close()} are idempotent and may be called from any thread; after {@code close()}
 * returns, no further event is delivered.
 */
public final class KubernetesSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSource.class);
    private static final String NODE = "Node";

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String nodeName;
    private final ProxyNameSelector selector;
    private final ObjectDispatcher dispatcher;
    private final long resyncMillis;
    private final Object deliveryLock = new Object();
    private final AtomicBoolean initialSyncFired = new AtomicBoolean();
    private final CompletableFuture<Void> initialSync = new CompletableFuture<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    private Forwarder<Service> serviceForwarder;
    private Forwarder<EndpointSlice> sliceForwarder;
    private SharedIndexInformer<Service> serviceInformer;
    private SharedIndexInformer<EndpointSlice> sliceInformer;
    private boolean started;
    private volatile boolean closed;

    /**
     * @param client       the API client; closed by {@link #close()} only when {@code ownsClient}
     * @param nodeName     this node's name (the Node informer watches only it)
     * @param proxyName    {@code --service-proxy-name}, "" for a full kube-proxy replacement
     * @param handler      the sink
     * @param listener     told about rejected objects
     * @param resyncPeriod informer resync period (kube-proxy's configSyncPeriod); zero disables resync
     */
    public KubernetesSource(KubernetesClient client, boolean ownsClient, String nodeName, String proxyName,
                            ProxyEventHandler handler, InvalidObjectListener listener, Duration resyncPeriod) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.selector = new ProxyNameSelector(proxyName);
        this.dispatcher = new ObjectDispatcher(handler, proxyName, listener);
        this.resyncMillis = resyncPeriod == null ? 0 : resyncPeriod.toMillis();
    }

    /** A source that owns a client built from a kubeconfig path ("" = in-cluster), see {@link KubernetesClients}. */
    public static KubernetesSource fromKubeconfig(String kubeconfig, String nodeName, String proxyName,
                                                  ProxyEventHandler handler, InvalidObjectListener listener,
                                                  Duration resyncPeriod) throws SourceException {
        return new KubernetesSource(KubernetesClients.create(kubeconfig), true, nodeName, proxyName, handler,
                listener, resyncPeriod);
    }

    /** The label selector sent for Services and EndpointSlices. */
    public String labelSelector() {
        return selector.asLabelSelector();
    }

    /**
     * Starts the three informers without waiting for them. Idempotent; fails after {@link #close()}.
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("KubernetesSource is closed");
        }
        if (started) {
            return;
        }
        started = true;
        LOG.info("Watching Services and EndpointSlices with selector {} and Node {}", labelSelector(),
                KubeNames.printable(nodeName));
        serviceForwarder = new Forwarder<>("Service");
        sliceForwarder = new Forwarder<>("EndpointSlice");
        // The caches keep identities only (IdentityOnlyStore): objects are converted as they arrive.
        // Lists stay unpaged with resourceVersion=0, as client-go's reflector sends them: the API server answers from
        // its watch cache (a paged list would read etcd, from every node at once after a rollout).
        serviceInformer = select(client.services().inAnyNamespace()).runnableInformer(resyncMillis)
                .itemStore(new IdentityOnlyStore<>(KubernetesSource::bareService));
        sliceInformer = select(client.discovery().v1().endpointSlices().inAnyNamespace())
                .runnableInformer(resyncMillis).itemStore(new IdentityOnlyStore<>(KubernetesSource::bareSlice));
        SharedIndexInformer<Node> nodeInformer = client.nodes().withField("metadata.name", nodeName)
                .runnableInformer(resyncMillis);
        start(nodeInformer, new Forwarder<>(NODE));
        // The EndpointSlices are listed once the Services are: an initial list is held whole while it is decoded
        // (tens of MiB of objects at 30,000 services), so two at once would double the startup peak of the heap.
        SharedIndexInformer<EndpointSlice> slices = sliceInformer;
        start(serviceInformer, serviceForwarder).whenComplete((v, t) -> {
            synchronized (this) {
                if (!closed) {
                    start(slices, sliceForwarder);
                }
            }
        });
        // kube-proxy's ServiceCIDRConfig: nftables mode drops traffic to unallocated addresses of the service CIDRs.
        // Watched only where the API server serves networking.k8s.io/v1 ServiceCIDR (Kubernetes >= 1.33); like the
        // Node informer it does not gate the initial sync.
        if (servesServiceCIDRs()) {
            start(client.network().v1().serviceCIDRs().runnableInformer(resyncMillis),
                    new Forwarder<io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR>("ServiceCIDR"));
        }
    }

    private boolean servesServiceCIDRs() {
        try {
            return client.supports(io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR.class);
        } catch (RuntimeException e) {
            LOG.info("Not watching ServiceCIDRs (API discovery failed: {})", e.toString());
            return false;
        }
    }

    /** An empty Service without the empty collections fabric8 models start with (cache stubs). */
    static Service bareService() {
        Service s = new Service();
        s.setAdditionalProperties(null);
        return s;
    }

    /** An empty EndpointSlice without the empty collections fabric8 models start with (cache stubs). */
    static EndpointSlice bareSlice() {
        EndpointSlice s = new EndpointSlice();
        s.setEndpoints(null);
        s.setPorts(null);
        s.setAdditionalProperties(null);
        return s;
    }

    private <T extends HasMetadata> java.util.concurrent.CompletionStage<Void> start(SharedIndexInformer<T> informer,
                                                                                   Forwarder<T> forwarder) {
        informer.addEventHandler(forwarder);
        informer.exceptionHandler((isStarted, t) -> {
            // Keep trying like client-go's reflector: a proxy without API access keeps its last rules.
            LOG.warn("{} informer failed (started={}), retrying: {}", forwarder.kind, isStarted, t.toString());
            return true;
        });
        informers.add(informer);
        return informer.start().whenComplete((v, t) -> maybeInitialSyncDone());
    }

    private <T extends HasMetadata, L, R> FilterWatchListDeletable<T, L, R> select(
            FilterWatchListDeletable<T, L, R> op) {
        FilterWatchListDeletable<T, L, R> withName = selector.proxyName().isEmpty()
                ? op.withoutLabel(ProxyNameSelector.SERVICE_PROXY_NAME)
                : op.withLabel(ProxyNameSelector.SERVICE_PROXY_NAME, selector.proxyName());
        return withName.withoutLabel(ProxyNameSelector.HEADLESS);
    }

    /** Completes when {@link ProxyEventHandler#onInitialSyncDone()} has been delivered. */
    public CompletableFuture<Void> initialSync() {
        return initialSync;
    }

    public boolean isInitialSyncDone() {
        return initialSync.isDone();
    }

    private void maybeInitialSyncDone() {
        Forwarder<Service> sf;
        Forwarder<EndpointSlice> ef;
        SharedIndexInformer<Service> si;
        SharedIndexInformer<EndpointSlice> ei;
        synchronized (this) {
            sf = serviceForwarder;
            ef = sliceForwarder;
            si = serviceInformer;
            ei = sliceInformer;
        }
        if (sf == null || ef == null || si == null || ei == null) {
            return;
        }
        if (sf.listed && ef.listed && si.hasSynced() && ei.hasSynced()
                && initialSyncFired.compareAndSet(false, true)) {
            LOG.info("Initial sync of Services and EndpointSlices done");
            deliver(() -> dispatcher.handler().onInitialSyncDone());
            initialSync.complete(null);
        }
    }

    /**
     * Runs one callback under the delivery lock. An exception is logged with its cause and counted (fabric8 would only
     * log it); an Error ends the process (it would otherwise kill fabric8's dispatcher and stop all further events).
     */
    private void deliver(Runnable r) {
        synchronized (deliveryLock) {
            if (!closed) {
                Failures.guard(Thread.currentThread().getName(), r).run();
            }
        }
    }

    /** Stops the informers (and closes the client if owned). Idempotent. */
    @Override
    public void close() {
        List<SharedIndexInformer<?>> toStop;
        synchronized (this) {
            if (closed) {
                return;
            }
            synchronized (deliveryLock) {
                closed = true;
            }
            toStop = new ArrayList<>(informers);
            informers.clear();
        }
        for (SharedIndexInformer<?> i : toStop) {
            try {
                i.stop();
            } catch (RuntimeException e) {
                LOG.debug("Stopping informer failed", e);
            }
        }
        if (ownsClient) {
            client.close();
        }
    }

    /** Forwards one informer's notifications; records when its handler has seen the first full list. */
    private final class Forwarder<T extends HasMetadata> implements ResourceEventHandler<T> {
        final String kind;
        volatile boolean listed;

        Forwarder(String kind) {
            this.kind = kind;
        }

        @Override
        public void onAdd(T obj) {
            deliver(() -> dispatcher.upsert(obj));
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            if (oldObj == newObj && !NODE.equals(kind)) {
                // A resync replays the cache, which holds identity stubs (IdentityOnlyStore): nothing new to convert.
                return;
            }
            deliver(() -> dispatcher.upsert(newObj));
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            deliver(() -> dispatcher.delete(obj));
        }

        @Override
        public void onList(String resourceVersion, boolean remainedEmpty) {
            if (!listed) {
                LOG.debug("{} informer delivered its initial list (resourceVersion {})", kind, resourceVersion);
                listed = true;
                maybeInitialSyncDone();
            }
        }
    }
}
