package io.sluice.core.metrics;

import java.util.List;

/**
 * Every metric family Sluice exposes, by its exposed Prometheus name. The {@code kubeproxy_*} names, types, labels,
 * HELP texts and buckets are kube-proxy's ({@code pkg/proxy/metrics/metrics.go}), so existing dashboards and alerts
 * keep working; {@code sluice_*} are Sluice's own. docs/metrics.md documents the same list (a test keeps them equal).
 */
public final class MetricNames {
    private MetricNames() {
    }

    public static final String SYNC_PROXY_RULES_DURATION = "kubeproxy_sync_proxy_rules_duration_seconds";
    public static final String SYNC_FULL_PROXY_RULES_DURATION = "kubeproxy_sync_full_proxy_rules_duration_seconds";
    public static final String SYNC_PARTIAL_PROXY_RULES_DURATION =
            "kubeproxy_sync_partial_proxy_rules_duration_seconds";
    public static final String SYNC_PROXY_RULES_LAST_TIMESTAMP = "kubeproxy_sync_proxy_rules_last_timestamp_seconds";
    public static final String SYNC_PROXY_RULES_LAST_QUEUED_TIMESTAMP =
            "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds";
    public static final String NETWORK_PROGRAMMING_DURATION = "kubeproxy_network_programming_duration_seconds";
    public static final String ENDPOINT_CHANGES_PENDING = "kubeproxy_sync_proxy_rules_endpoint_changes_pending";
    public static final String ENDPOINT_CHANGES_TOTAL = "kubeproxy_sync_proxy_rules_endpoint_changes_total";
    public static final String SERVICE_CHANGES_PENDING = "kubeproxy_sync_proxy_rules_service_changes_pending";
    public static final String SERVICE_CHANGES_TOTAL = "kubeproxy_sync_proxy_rules_service_changes_total";
    public static final String IPTABLES_RESTORE_FAILURES_TOTAL =
            "kubeproxy_sync_proxy_rules_iptables_restore_failures_total";
    public static final String IPTABLES_PARTIAL_RESTORE_FAILURES_TOTAL =
            "kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total";
    public static final String IPTABLES_TOTAL = "kubeproxy_sync_proxy_rules_iptables_total";
    public static final String IPTABLES_LAST = "kubeproxy_sync_proxy_rules_iptables_last";
    public static final String NO_LOCAL_ENDPOINTS_TOTAL = "kubeproxy_sync_proxy_rules_no_local_endpoints_total";
    public static final String PROXY_HEALTHZ_TOTAL = "kubeproxy_proxy_healthz_total";
    public static final String PROXY_LIVEZ_TOTAL = "kubeproxy_proxy_livez_total";
    public static final String IPTABLES_CT_STATE_INVALID_DROPPED_PACKETS_TOTAL =
            "kubeproxy_iptables_ct_state_invalid_dropped_packets_total";
    public static final String IPTABLES_LOCALHOST_NODEPORTS_ACCEPTED_PACKETS_TOTAL =
            "kubeproxy_iptables_localhost_nodeports_accepted_packets_total";
    public static final String NFTABLES_SYNC_FAILURES_TOTAL = "kubeproxy_sync_proxy_rules_nftables_sync_failures_total";
    public static final String NFTABLES_CLEANUP_FAILURES_TOTAL =
            "kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total";
    public static final String SLUICE_INVALID_OBJECTS_TOTAL = "sluice_invalid_objects_total";
    public static final String SLUICE_BACKEND_ERRORS_TOTAL = "sluice_backend_errors_total";

    /** All of the above, sorted. */
    public static final List<String> ALL = List.of(
            IPTABLES_CT_STATE_INVALID_DROPPED_PACKETS_TOTAL,
            IPTABLES_LOCALHOST_NODEPORTS_ACCEPTED_PACKETS_TOTAL,
            NETWORK_PROGRAMMING_DURATION,
            PROXY_HEALTHZ_TOTAL,
            PROXY_LIVEZ_TOTAL,
            SYNC_FULL_PROXY_RULES_DURATION,
            SYNC_PARTIAL_PROXY_RULES_DURATION,
            SYNC_PROXY_RULES_DURATION,
            ENDPOINT_CHANGES_PENDING,
            ENDPOINT_CHANGES_TOTAL,
            IPTABLES_LAST,
            IPTABLES_PARTIAL_RESTORE_FAILURES_TOTAL,
            IPTABLES_RESTORE_FAILURES_TOTAL,
            IPTABLES_TOTAL,
            SYNC_PROXY_RULES_LAST_QUEUED_TIMESTAMP,
            SYNC_PROXY_RULES_LAST_TIMESTAMP,
            NFTABLES_CLEANUP_FAILURES_TOTAL,
            NFTABLES_SYNC_FAILURES_TOTAL,
            NO_LOCAL_ENDPOINTS_TOTAL,
            SERVICE_CHANGES_PENDING,
            SERVICE_CHANGES_TOTAL,
            SLUICE_BACKEND_ERRORS_TOTAL,
            SLUICE_INVALID_OBJECTS_TOTAL);
}
