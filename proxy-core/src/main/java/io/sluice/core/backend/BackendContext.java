package io.sluice.core.backend;

import io.sluice.core.config.ProxyConfig;
import io.sluice.core.node.NodeFacts;

import java.time.Clock;
import java.util.Objects;

/**
 * What a backend gets from the engine.
 *
 * @param config           the defaulted configuration
 * @param metrics          where the backend records its metrics
 * @param assumptions      kernel capabilities to assume instead of probing (dumps never probe)
 * @param clock            the engine's clock (tests inject a fake)
 * @param requestFullSync  call to ask the engine for a full sync soon (e.g. the canary chain vanished)
 * @param nodeFacts        families, node-port addresses and local-traffic detection; default
 *                         {@link NodeFacts#nodeObject()} (the Node object only, as dumps use), {@code sluice run}
 *                         passes {@link NodeFacts#host}
 */
public record BackendContext(ProxyConfig config, BackendMetrics metrics, KernelAssumptions assumptions, Clock clock,
                             Runnable requestFullSync, NodeFacts nodeFacts) {
    public BackendContext {
        Objects.requireNonNull(config, "config");
        metrics = metrics == null ? BackendMetrics.NOOP : metrics;
        assumptions = assumptions == null ? KernelAssumptions.PROBE : assumptions;
        clock = clock == null ? Clock.systemUTC() : clock;
        requestFullSync = requestFullSync == null ? () -> { } : requestFullSync;
        nodeFacts = nodeFacts == null ? NodeFacts.nodeObject() : nodeFacts;
    }

    /** A context with the Node-object facts. */
    public BackendContext(ProxyConfig config, BackendMetrics metrics, KernelAssumptions assumptions, Clock clock,
                          Runnable requestFullSync) {
        this(config, metrics, assumptions, clock, requestFullSync, null);
    }

    /** A context for pure rendering (dumps, tests): no metrics, fixed assumptions. */
    public static BackendContext forRendering(ProxyConfig config, KernelAssumptions assumptions) {
        return new BackendContext(config, BackendMetrics.NOOP, assumptions, Clock.systemUTC(), () -> { });
    }
}
