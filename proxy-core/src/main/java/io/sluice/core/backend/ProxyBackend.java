package io.sluice.core.backend;

import io.sluice.core.model.ProxySnapshot;

/**
 * A way of programming the kernel (iptables, IPVS). One instance serves one node for the life of the process.
 *
 * <p>Threading: {@link #sync} and {@link #cleanup} are only ever called from the single sync thread, never
 * concurrently; {@link #render} is pure and may be called from any thread. Implementations keep whatever they need
 * between syncs (what they wrote last, for partial syncs and stale-object removal).
 */
public interface ProxyBackend extends AutoCloseable {

    /** "iptables" or "ipvs". */
    String name();

    /**
     * Pure rendering of what a full sync of {@code snapshot} would write, as text. Deterministic: the same snapshot and
     * configuration give byte-identical output. Never touches the kernel and never reads the machine.
     */
    String render(ProxySnapshot snapshot);

    /**
     * Brings the kernel to the state of {@code request.snapshot()}. With {@code request.fullSync()} false, only the
     * services in {@code request.changedServices()} need their per-service objects rewritten; the backend may still
     * decide to do a full sync (e.g. after its own failure), and says so in the result.
     *
     * <p>On failure the previous kernel state stays in place (a restore is one transaction) and the method throws;
     * the caller then retries with a full sync.
     */
    SyncResult sync(SyncRequest request) throws SyncException;

    /**
     * Checks once, when {@code sluice run} starts and before the first sync, that the host has what this backend cannot
     * work without (tools, kernel features), as kube-proxy checks before choosing a proxier (e.g.
     * {@code CanUseIPVSProxier}). Throws with one message that names what is missing and how to install
     * it; the daemon then logs it and exits non-zero instead of failing every sync with the same cause. Never called
     * for dry-runs or dumps. Default: nothing to check.
     */
    default void checkHost() throws SyncException {
    }

    /**
     * Removes everything this backend (or kube-proxy in the same mode) installed, and nothing else. Idempotent.
     */
    void cleanup() throws SyncException;

    /** Stops background work (monitors). Leaves kernel state in place: traffic keeps flowing after shutdown. */
    @Override
    default void close() {
    }
}
