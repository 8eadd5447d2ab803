/**
 * Change tracking between the sources and the sync loop: {@link io.sluice.core.tracker.ChangeTracker} receives model
 * events (it is the sources' {@link io.sluice.core.source.ProxyEventHandler}) and hands the sync thread
 * {@link io.sluice.core.tracker.TrackedChanges}: the full immutable snapshot plus the services whose ports or
 * endpoints differ from the previous drain (kube-proxy's partial-sync input).
 */
package io.sluice.core.tracker;
