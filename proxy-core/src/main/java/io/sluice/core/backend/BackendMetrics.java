package io.sluice.core.backend;

import io.sluice.core.model.IpFamily;

/**
 * The metrics a backend reports, named after kube-proxy's (see docs/metrics.md). The engine itself records sync
 * durations, timestamps, pending changes and network-programming latency. Thread-safe.
 */
public interface BackendMetrics {

    /** {@code kubeproxy_sync_proxy_rules_iptables_restore_failures_total{ip_family}} (iptables and ipvs). */
    void restoreFailure(IpFamily family);

    /** {@code kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total{ip_family}}. */
    void partialRestoreFailure(IpFamily family);

    /**
     * {@code kubeproxy_sync_proxy_rules_iptables_total{table,ip_family}} and
     * {@code kubeproxy_sync_proxy_rules_iptables_last{table,ip_family}}.
     */
    void iptablesRules(String table, IpFamily family, long total, long last);

    /** {@code kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy,ip_family}} (a gauge). */
    void noLocalEndpoints(String trafficPolicy, IpFamily family, long count);

    /** {@code sluice_backend_errors_total{backend,operation}}: one object's kernel operation failed (e.g. netlink). */
    void backendError(String backend, String operation);

    /**
     * {@code sluice_invalid_objects_total{kind,reason}} for an object the backend refuses to program (the source layer
     * rejects almost everything earlier; this is defence in depth). {@code object} is namespace/name.
     */
    default void invalidObject(String kind, String object, String reason) {
    }

    /**
     * kube-proxy's nfacct collectors ({@code kubeproxy_iptables_ct_state_invalid_dropped_packets_total} for
     * {@code ct_state_invalid_dropped_pkts}, {@code kubeproxy_iptables_localhost_nodeports_accepted_packets_total} for
     * {@code localhost_nps_accepted_pkts}): {@code packets} is read at scrape time and returns the counter's packet count,
     * or a negative number when it cannot be read (no sample is exported then). Registering again replaces the reader.
     */
    default void nfacctCounter(String counter, java.util.function.LongSupplier packets) {
    }

    /** {@code kubeproxy_sync_proxy_rules_nftables_sync_failures_total{ip_family}}: a main nft transaction failed. */
    default void nftablesSyncFailure(IpFamily family) {
    }

    /** {@code kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total{ip_family}}: a stale-chain deletion failed. */
    default void nftablesCleanupFailure(IpFamily family) {
    }

    BackendMetrics NOOP = new BackendMetrics() {
        @Override
        public void restoreFailure(IpFamily family) {
        }

        @Override
        public void partialRestoreFailure(IpFamily family) {
        }

        @Override
        public void iptablesRules(String table, IpFamily family, long total, long last) {
        }

        @Override
        public void noLocalEndpoints(String trafficPolicy, IpFamily family, long count) {
        }

        @Override
        public void backendError(String backend, String operation) {
        }
    };
}
