package io.sluice.nftables.model;

/**
 * Transaction verbs as knftables uses them: {@code add} (create or no-op if it exists; elements replace their value),
 * {@code create} (fail if it exists), {@code flush} (empty a table, chain or set), {@code delete} (fail if absent, or if
 * still referenced) and {@code destroy} (delete if present; nft ≥ 1.0.8 and kernel ≥ 6.3, never used by kube-proxy).
 */
public enum Verb {
    ADD, CREATE, FLUSH, DELETE, DESTROY;

    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
