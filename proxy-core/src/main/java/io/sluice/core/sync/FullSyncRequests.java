package io.sluice.core.sync;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The link between a backend and the engine for "please do a full sync soon" (e.g. kube-proxy's canary chain
 * vanished: {@code forceSyncProxyRules}). Create it first, pass it as {@code BackendContext.requestFullSync} when
 * creating the backend, then give it to the {@link SyncEngine}, which consumes the flag on its next sync and wakes its
 * runner when {@link #run()} is called. Thread-safe.
 */
public final class FullSyncRequests implements Runnable {

    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile Runnable wakeUp = () -> { };

    /** Asks for a full sync; callable from any thread, any number of times (coalesced). */
    @Override
    public void run() {
        requested.set(true);
        wakeUp.run();
    }

    /** True once since the last call if a full sync was requested. */
    boolean consume() {
        return requested.getAndSet(false);
    }

    void onRequest(Runnable r) {
        wakeUp = r == null ? () -> { } : r;
    }
}
