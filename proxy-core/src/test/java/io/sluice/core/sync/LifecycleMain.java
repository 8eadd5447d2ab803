package io.sluice.core.sync;

import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.lifecycle.Failures;
import io.sluice.core.lifecycle.GracefulShutdown;
import io.sluice.core.model.ProxySnapshot;

import java.time.Duration;

/**
 * A daemon in a separate JVM for {@link DaemonLifecycleProcessTest}: the real sync loop (real threads, real
 * scheduler), the daemon's failure policy and SIGTERM handling, and a backend whose sync misbehaves as told.
 * Prints {@code sync-start} / {@code sync-end} around every sync so the test can see what ran.
 *
 * <p>Usage: {@code LifecycleMain error} (the first sync throws a StackOverflowError) or
 * {@code LifecycleMain slow SYNC_MILLIS SHUTDOWN_TIMEOUT_MILLIS} (every sync sleeps; SIGTERM waits at most the timeout).
 */
public final class LifecycleMain {

    private LifecycleMain() {
    }

    public static void main(String[] args) throws Exception {
        Failures.installDefaultHandler();
        boolean error = args[0].equals("error");
        long syncMillis = error ? 0 : Long.parseLong(args[1]);
        Duration shutdownTimeout = error ? Duration.ofSeconds(10) : Duration.ofMillis(Long.parseLong(args[2]));
        GracefulShutdown shutdown = GracefulShutdown.install(shutdownTimeout);
        ProxyBackend backend = new ProxyBackend() {
            @Override
            public String name() {
                return "lifecycle";
            }

            @Override
            public String render(ProxySnapshot snapshot) {
                return "";
            }

            @Override
            public SyncResult sync(SyncRequest request) {
                System.out.println("sync-start");
                System.out.flush();
                if (error) {
                    throw new StackOverflowError("injected by LifecycleMain");
                }
                try {
                    Thread.sleep(syncMillis);
                } catch (InterruptedException e) {
                    System.out.println("sync-interrupted");
                    Thread.currentThread().interrupt();
                }
                System.out.println("sync-end");
                System.out.flush();
                return new SyncResult(true, 0);
            }

            @Override
            public void cleanup() {
            }
        };
        FakeChangeSource source = new FakeChangeSource();
        try {
            try (SyncEngine engine = SyncEngine.builder(source, backend).minSyncPeriod(Duration.ofMillis(100))
                    .syncPeriod(Duration.ofSeconds(60)).build()) {
                engine.start();
                source.initialize();
                shutdown.awaitStopRequest();
            }
            System.out.println("closed");
            System.out.flush();
        } finally {
            shutdown.stopped();
        }
    }
}
