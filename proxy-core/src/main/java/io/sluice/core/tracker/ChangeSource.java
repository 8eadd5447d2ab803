package io.sluice.core.tracker;

/**
 * What the sync engine ({@code io.sluice.core.sync.SyncEngine}) needs from the change tracker ({@link ChangeTracker}
 * implements it; tests use in-memory fakes). It lives beside the tracker so that {@code sync} depends on {@code tracker}
 * and never the reverse.
 *
 * <p>Contract: all methods are thread-safe. {@link #drain()} is called only from the sync thread and only once
 * {@link #isInitialized()} is true; it returns the full current state and the services changed since the previous
 * drain, and resets the pending counts. The listener given to {@link #setChangeListener} is called (from any thread,
 * without locks held) after every recorded change <em>and</em> once when initialization completes, so the first sync
 * is requested as soon as it may run.
 */
public interface ChangeSource {

    /** The state and the changes since the previous drain. */
    TrackedChanges drain();

    /** True once the initial lists of every watched kind have been delivered; no sync may happen before. */
    boolean isInitialized();

    /** Service changes recorded since the last drain. */
    int pendingServiceChanges();

    /** EndpointSlice changes recorded since the last drain. */
    int pendingEndpointChanges();

    /** Service changes recorded since start (monotonic). */
    long totalServiceChanges();

    /** EndpointSlice changes recorded since start (monotonic). */
    long totalEndpointChanges();

    /** Replaces the listener told about changes; null removes it. */
    void setChangeListener(Runnable listener);
}
