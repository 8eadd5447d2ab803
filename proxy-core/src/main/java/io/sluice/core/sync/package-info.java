/**
 * The sync loop: {@link io.sluice.core.sync.SyncEngine} drains a {@link io.sluice.core.tracker.ChangeSource} (the change
 * tracker) into a {@link io.sluice.core.backend.ProxyBackend}, paced by a
 * {@link io.sluice.core.sync.BoundedFrequencyRunner} with kube-proxy's guarantees. Time is injected through
 * {@link io.sluice.core.sync.SyncScheduler}; a manual clock in the test sources ({@code ManualTime}) drives everything
 * deterministically in tests.
 *
 * <p>Wiring (what the daemon does):
 * <pre>{@code
 * FullSyncRequests full = new FullSyncRequests();
 * ProxyBackend backend = provider.create(new BackendContext(config, metrics, assumptions, clock, full));
 * SyncEngine engine = SyncEngine.builder(tracker, backend).config(config).metrics(metrics).health(health)
 *         .fullSyncRequests(full).dryRun(dryRun).build();
 * engine.start();            // or engine.syncOnce() for --once
 * }</pre>
 */
package io.sluice.core.sync;
