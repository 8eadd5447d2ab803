package io.sluice.core.model;

/**
 * ClientIP session affinity. {@link #NONE} has timeout 0. kube-proxy's StickyMaxAgeSeconds is the
 * {@code sessionAffinityConfig.clientIP.timeoutSeconds} (API default 10800).
 */
public record SessionAffinity(int timeoutSeconds) {
    public static final SessionAffinity NONE = new SessionAffinity(0);
    public static final int DEFAULT_TIMEOUT_SECONDS = 10800;

    public boolean isClientIP() {
        return timeoutSeconds > 0;
    }
}
