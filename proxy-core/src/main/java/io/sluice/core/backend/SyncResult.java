package io.sluice.core.backend;

/**
 * What a sync did.
 *
 * @param fullSync    whether every per-service object was rewritten
 * @param bytesWritten size of the payload or number of operations sent to the kernel (for logs and benchmarks)
 */
public record SyncResult(boolean fullSync, long bytesWritten) {
}
