package io.sluice.app;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.config.ConfigOverrides;
import io.sluice.core.config.KubeProxyConfigurationWriter;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.health.HealthServer;
import io.sluice.core.health.MetricsServer;
import io.sluice.core.metrics.ProxyMetrics;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice run}: the node daemon. Sources (the API server's informers, or object files) feed the change
 * tracker; the sync engine drives the backend; /metrics and /healthz are served. SIGTERM stops the sources and the
 * loop and leaves every rule in place, so traffic keeps flowing while the DaemonSet pod restarts.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = SluiceVersion.class, description = "Run the proxy: keep the kernel in sync with the cluster (or object files).")
public final class RunCommand implements java.util.concurrent.Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    private static final Duration FILE_POLL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration INITIAL_SYNC_TIMEOUT = Duration.ofMinutes(5);

    @Option(names = "--backend", paramLabel = "iptables|ipvs", description = "Backend (default: the config's mode, else iptables).")
    String backend;

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

        List<IpFamily> families = families(cfg);
        ProxyMetrics metrics = new ProxyMetrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), families);
        ChangeTracker tracker = new ChangeTracker(cfg.hostnameOverride());
        tracker.setInvalidObjectListener(metrics);
        FullSyncRequests fullSyncRequests = new FullSyncRequests();
        BackendContext ctx = new BackendContext(cfg, metrics, KernelAssumptions.PROBE, null, fullSyncRequests);
        try (ProxyBackend proxyBackend = Backends.provider(cfg.mode()).create(ctx);
             SyncEngine engine = SyncEngine.builder(tracker, proxyBackend).config(cfg).metrics(metrics)
                     .ipFamilies(families).dryRun(dryRun).fullSyncRequests(fullSyncRequests).build();
             Sources sources = new Sources()) {
            sources.start(cfg, tracker, metrics);
            if (once) {
                return runOnce(tracker, engine) ? 0 : SluiceMain.EXIT_FAILURE;
            }
            try (MetricsServer m = new MetricsServer(cfg.metricsBindAddress(), metrics);
                 HealthServer h = new HealthServer(cfg.healthzBindAddress(), engine.health(), metrics)) {
                LOG.info("serving /metrics on {} and /healthz, /livez on {}", cfg.metricsBindAddress(), cfg.healthzBindAddress());
                CountDownLatch stop = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    LOG.info("shutting down; rules stay in place");
                    stop.countDown();
                }, "sluice-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                engine.start();
                FirstSyncHeapTrim.start(engine);
                stop.await();
            }
        }
        return 0;
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

    /** The families the node serves: those of its cluster CIDRs, else IPv4. */
    static List<IpFamily> families(ProxyConfig cfg) {
        TreeSet<IpFamily> f = new TreeSet<>();
        for (String c : cfg.clusterCIDRs()) {
            Cidr.parse(c).ifPresent(x -> f.add(x.family()));
        }
        if (f.isEmpty()) {
            f.add(IpFamily.IPv4);
        }
        return new ArrayList<>(f);
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
                        poller = Executors.newSingleThreadScheduledExecutor(r -> {
                            Thread t = new Thread(r, "sluice-files");
                            t.setDaemon(true);
                            return t;
                        });
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
