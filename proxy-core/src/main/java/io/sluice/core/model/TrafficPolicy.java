package io.sluice.core.model;

/** externalTrafficPolicy / internalTrafficPolicy. Anything but "Local" (including unset) means Cluster, as in kube-proxy. */
public enum TrafficPolicy {
    Cluster, Local;

    public static TrafficPolicy parse(String value) {
        return "Local".equals(value) ? Local : Cluster;
    }
}
