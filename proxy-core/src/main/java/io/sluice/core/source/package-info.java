/**
 * Sources: the only place where fabric8 types exist. A source reads Kubernetes objects and feeds model objects into
 * a sink, kpng-style ("source → sink"):
 *
 * <pre>
 *   KubernetesSource (informers)  ─┐
 *                                  ├─▶ ObjectDispatcher ─▶ ServiceConverter / EndpointSliceConverter / NodeConverter
 *   FileSource (YAML/JSON files)  ─┘          │                         │ rejected parts
 *                                             ▼                         ▼
 *                                   ProxyEventHandler          InvalidObjectListener (+ one WARN line)
 *                                   (the ChangeTracker)        sluice_invalid_objects_total{kind,reason}
 * </pre>
 *
 * <p><b>Selection.</b> {@link io.sluice.core.source.ProxyNameSelector} decides which Services and EndpointSlices this
 * proxy serves ({@code service.kubernetes.io/service-proxy-name}, {@code service.kubernetes.io/headless}); informers
 * send it as a label selector, the converters apply it again so files behave the same.
 *
 * <p><b>Validation.</b> Nothing from the API reaches later layers unvalidated. Names are DNS-1123 labels (namespaces,
 * Service names, port names) or subdomains (slice and node names); addresses and CIDRs are parsed and printed in
 * canonical form; ports are range-checked. A bad Service is delivered <em>absent</em> (no ports, so no stale
 * half-state remains) and reported with a fixed reason token: {@code invalid-name}, {@code invalid-cluster-ip},
 * {@code invalid-port}, {@code invalid-node-port}, {@code invalid-external-ip}, {@code invalid-load-balancer-ip},
 * {@code invalid-source-range}, {@code invalid-type}, {@code invalid-session-affinity},
 * {@code invalid-traffic-distribution}. In an EndpointSlice only the bad endpoint or port is dropped
 * ({@code invalid-endpoint-address}, {@code invalid-endpoint-port}, {@code invalid-endpoint-topology}); a slice with a
 * hostile name or {@code kubernetes.io/service-name} label is rejected whole ({@code invalid-name}) and delivered as a
 * delete. Node addresses that do not parse are skipped ({@code invalid-node-address}). Log lines show object names
 * through {@link io.sluice.core.source.KubeNames#printable(String)}.
 *
 * <p><b>Ignored like kube-proxy</b> (delivered absent, not reported): Services without a cluster IP, headless
 * ({@code None}), ExternalName, or not selected by label; EndpointSlices without the service-name label, with
 * address type FQDN, or not selected by label.
 *
 * <p><b>Threading.</b> Converters and the dispatcher are stateless and thread-safe. {@code KubernetesSource}
 * serialises its calls into the handler and signals {@code onInitialSyncDone()} once, after the Service and
 * EndpointSlice informers have synced and the handler has received their initial lists. {@code FileSource} delivers
 * on the caller's thread ({@code load}) or on the injected scheduler ({@code watch}).
 *
 * <p>Typical use (a dry-run dump from files):
 * <pre>{@code
 *   ChangeTracker tracker = new ChangeTracker(nodeName);
 *   new FileSource(proxyName, listener).load(paths, tracker);   // throws SourceException naming the file
 *   ProxySnapshot snapshot = tracker.drain().snapshot();
 * }</pre>
 */
package io.sluice.core.source;
