package io.sluice.nftables.sync;

import io.sluice.nftables.model.Transaction;

/**
 * One planned sync of one family.
 *
 * @param transaction    the main transaction (may be empty: nothing changed)
 * @param afterSuccess   the committed state once {@code transaction} succeeded
 * @param chainsWritten  per-service chains rewritten (add + flush + rules)
 */
public record SyncPlan(Transaction transaction, CommittedState afterSuccess, int chainsWritten) {
}
