package io.sluice.app;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncException;
import io.sluice.core.config.ConfigOverrides;
import io.sluice.core.config.KubeProxyConfigurationWriter;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.config.GoDuration;
import io.sluice.core.health.HealthCheckedBackend;
import io.sluice.core.health.HealthServer;
import io.sluice.core.health.NioHealthCheckListeners;
import io.sluice.core.health.ProxyHealth;
import io.sluice.core.health.ServiceHealthServer;
import io.sluice.core.health.MetricsServer;
import io.sluice.core.lifecycle.Failures;
import io.sluice.core.lifecycle.GracefulShutdown;
import io.sluice.core.metrics.ProxyMetrics;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import io.sluice.core.node.HostInterfaces;
import io.sluice.core.node.LocalTrafficDetector;
import io.sluice.core.node.NodeFacts;
import io.sluice.core.node.PodCidrWait;
import io.sluice.core.source.FileSource;
import io.sluice.core.source.KubernetesSource;
import io.sluice.core.source.SourceException;
import io.sluice.core.sync.FullSyncRequests;
import io.sluice.core.sync.SyncEngine;
import io.sluice.core.tracker.ChangeTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice run}: the node daemon. Sources (the API server's informers, or object files) feed the change
 * tracker; the sync engine drives the backend; /metrics and /healthz are served. SIGTERM stops the sources and the
 * loop, waiting (at most {@code --shutdown-timeout}) for a sync in progress, and leaves every rule in place, so
 * traffic keeps flowing while the DaemonSet pod restarts. An Error on any thread ends the process with
 * {@link Failures#EXIT_FATAL}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class, description = "Run the proxy: keep the kernel in sync with the cluster (or object files).")
public final class RunCommand implements java.util.concurrent.Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    private static final Duration FILE_POLL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration INITIAL_SYNC_TIMEOUT = Duration.ofMinutes(5);

    @Option(names = "--backend", paramLabel = "iptables|ipvs|nftables", description = "Backend (default: the config's mode, else iptables).")
    String backend;

    @Option(names = "--nftables-applier", paramLabel = "nft|netlink",
            description = "nftables mode: apply with nft -f (default) or over netlink (no nft process; nft -f only where the kernel refuses a message type).")
    String nftablesApplier = NftablesApplier.NFT;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig of the API server (default: in-cluster).")
    String kubeconfig;

    @Option(names = "--objects", paramLabel = "FILE", arity = "1..*",
            description = "Read Services, EndpointSlices and the Node from files instead of the API server; re-read on change.")
    List<Path> objects;

    @Option(names = "--once", description = "Sync once and exit: 0 on success, 1 on failure. Starts no servers.")
    boolean once;

    @Option(names = "--dry-run", description = "Compute and log every sync, never touch the kernel.")
    boolean dryRun;

    @Option(names = "--metrics-bind-address", paramLabel = "HOST:PORT", description = "Where /metrics is served (default 127.0.0.1:10249).")
    String metricsBindAddress;

    @Option(names = "--healthz-bind-address", paramLabel = "HOST:PORT", description = "Where /healthz and /livez are served (default 0.0.0.0:10256).")
    String healthzBindAddress;

    @Option(names = "--write-config-to", paramLabel = "FILE", description = "Write the defaulted configuration to FILE and exit.")
    Path writeConfigTo;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "On SIGTERM, wait at most this long (Go duration, e.g. 10s) for a sync in progress to finish (default: ${DEFAULT-VALUE}).")
    String shutdownTimeout;

    @Option(names = {"-v", "--v"}, paramLabel = "N", description = "Log verbosity, as kube-proxy's: 0-1 info, 2-3 debug, 4+ trace.")
    int verbosity;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        ProxyConfig cfg = configOptions.resolve(backend,
                new ConfigOverrides(null, kubeconfig, metricsBindAddress, healthzBindAddress, null, null));
        if (writeConfigTo != null) {
            KubeProxyConfigurationWriter.write(cfg, writeConfigTo);
            return 0;
        }
        if (cfg.hostnameOverride().isEmpty()) {
            // kube-proxy: the node name defaults to the host name, lower-cased.
            cfg = cfg.withHostnameOverride(hostName());
        }
        LOG.info("sluice {} starting: backend {}, node {}, {}{}", SluiceVersion.version(), cfg.mode(),
                cfg.hostnameOverride(), objects != null ? "objects " + objects : "API server",
                dryRun ? ", dry-run" : "");

        Duration shutdownGrace = shutdownTimeout();
        // Node-port addresses resolve against the host's interfaces (kube-proxy's GetNodeIPs), not the Node object.
        NodeFacts nodeFacts = NodeFacts.host(HostInterfaces.system());
        List<IpFamily> families = nodeFacts.supportedFamilies(cfg);
        ProxyMetrics metrics = new ProxyMetrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), families);
        // Never silently dead: exceptions escaping any thread are logged and counted, an Error halts (Failures).
        Failures.installDefaultHandler();
        Failures.countWith(metrics::uncaughtException);
        GracefulShutdown shutdown = once ? null : GracefulShutdown.install(shutdownGrace);
        try {
            return runDaemon(cfg, nodeFacts, families, metrics, shutdown);
        } finally {
            if (shutdown != null) {
                shutdown.stopped();
            }
        }
    }

    private int runDaemon(ProxyConfig cfg, NodeFacts nodeFacts, List<IpFamily> families, ProxyMetrics metrics,
                          GracefulShutdown shutdown)
            throws Exception {
        ChangeTracker tracker = new ChangeTracker(cfg.hostnameOverride());
        tracker.setInvalidObjectListener(metrics);
        FullSyncRequests fullSyncRequests = new FullSyncRequests();
        BackendContext ctx = new BackendContext(cfg, metrics, KernelAssumptions.PROBE, null, fullSyncRequests,
                nodeFacts);
        if (!dryRun) {
            ModeSwitchCleanup.run(cfg.mode(), ctx);
        }
        ProxyHealth health = ProxyHealth.forSyncPeriod(java.time.Clock.systemUTC(), cfg.syncPeriod());
        try (NioHealthCheckListeners hcListeners = once ? null : new NioHealthCheckListeners();
             ProxyBackend proxyBackend = withHealthChecks(
                     Backends.provider(NftablesApplier.provider(cfg.mode(), nftablesApplier)).create(ctx), hcListeners,
                     cfg, nodeFacts, health, metrics);
             SyncEngine engine = SyncEngine.builder(tracker, proxyBackend).config(cfg).metrics(metrics)
                     .health(health).ipFamilies(families).dryRun(dryRun).fullSyncRequests(fullSyncRequests).build();
             Sources sources = new Sources()) {
            if (!dryRun) {
                try {
                    proxyBackend.checkHost();
                } catch (SyncException e) {
                    LOG.error("cannot start the {} backend: {}", cfg.mode(), e.getMessage());
                    return SluiceMain.EXIT_FAILURE;
                }
            }
            sources.start(cfg, tracker, metrics);
            if ("NodeCIDR".equals(LocalTrafficDetector.mode(cfg))
                    && PodCidrWait.await(tracker::node, PodCidrWait.TIMEOUT, Duration.ofSeconds(1)).isEmpty()) {
                throw new CliException(SluiceMain.EXIT_FAILURE, "timeout waiting for the Node " + cfg.hostnameOverride()
                        + " to be allocated pod CIDRs (spec.podCIDRs), needed by detect-local-mode NodeCIDR", null);
            }
            if (once) {
                return runOnce(tracker, engine) ? 0 : SluiceMain.EXIT_FAILURE;
            }
            try (MetricsServer m = new MetricsServer(cfg.metricsBindAddress(), metrics);
                 HealthServer h = new HealthServer(cfg.healthzBindAddress(), engine.health(), metrics)) {
                LOG.info("serving /metrics on {} and /healthz, /livez on {}", cfg.metricsBindAddress(), cfg.healthzBindAddress());
                engine.start();
                FirstSyncHeapTrim.start(engine);
                // Closing (servers, sources, then the engine, which waits for a sync in progress, then the backend)
                // happens on this thread while the shutdown hook waits for it, bounded by --shutdown-timeout.
                shutdown.awaitStopRequest();
            }
        }
        return 0;
    }

    private Duration shutdownTimeout() {
        return GoDuration.parse(shutdownTimeout).filter(d -> !d.isNegative()).orElseThrow(() -> new CliException(
                SluiceMain.EXIT_USAGE, "--shutdown-timeout: want a duration such as 10s, got '"
                + Printable.of(shutdownTimeout) + "'"));
    }

    /**
     * Health-check node ports for every backend (kube-proxy's ServiceHealthServer, pkg/proxy/healthcheck): listening
     * on the node-port addresses of the node facts, answering with the proxy's health; a port that cannot be bound is
     * counted as {@code sluice_backend_errors_total{backend="healthcheck",operation="listen"}} and retried next sync.
     * {@code --once} starts no servers.
     */
    private static ProxyBackend withHealthChecks(ProxyBackend backend, NioHealthCheckListeners listeners,
                                                 ProxyConfig cfg, NodeFacts facts, ProxyHealth health,
                                                 ProxyMetrics metrics) {
        if (listeners == null) {
            return backend;
        }
        return new HealthCheckedBackend(backend, node -> {
            java.util.List<String> addresses = facts.healthCheckBindAddresses(cfg, node);
            LOG.info("health-check node ports listen on {}", addresses);
            return new ServiceHealthServer(addresses, listeners, health::isHealthy,
                    () -> metrics.backendError("healthcheck", "listen"));
        });
    }

    private static boolean runOnce(ChangeTracker tracker, SyncEngine engine) throws InterruptedException {
        long deadline = System.nanoTime() + INITIAL_SYNC_TIMEOUT.toNanos();
        while (!tracker.isInitialized()) {
            if (System.nanoTime() > deadline) {
                LOG.error("the initial lists of Services and EndpointSlices did not arrive within {}", INITIAL_SYNC_TIMEOUT);
                return false;
            }
            Thread.sleep(50);
        }
        boolean ok = engine.syncOnce();
        LOG.info("sync {}", ok ? "succeeded" : "FAILED");
        return ok;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "" : env.strip().toLowerCase(Locale.ROOT);
        }
    }

    /** The running source: object files (polled) or the API server's informers. Closing stops them. */
    private final class Sources implements AutoCloseable {
        private ScheduledExecutorService poller;
        private FileSource.Watch watch;
        private KubernetesSource kube;

        void start(ProxyConfig cfg, ChangeTracker tracker, ProxyMetrics metrics) {
            try {
                if (objects != null) {
                    FileSource files = new FileSource(cfg.serviceProxyName(), metrics);
                    if (once) {
                        files.load(objects, tracker);
                    } else {
                        poller = Executors.newSingleThreadScheduledExecutor(Failures.daemonThreads("sluice-files"));
                        watch = files.watch(objects, tracker, poller, FILE_POLL_INTERVAL);
                    }
                } else {
                    kube = KubernetesSource.fromKubeconfig(cfg.kubeconfig(), cfg.hostnameOverride(),
                            cfg.serviceProxyName(), tracker, metrics, cfg.configSyncPeriod());
                    kube.start();
                }
            } catch (SourceException e) {
                throw new CliException(SluiceMain.EXIT_FAILURE, e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (watch != null) {
                watch.close();
            }
            if (poller != null) {
                poller.shutdownNow();
                try {
                    poller.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (kube != null) {
                kube.close();
            }
        }
    }
}
