package io.sluice.core.backend;

import io.sluice.core.model.IpFamily;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a sync did.
 *
 * @param fullSync    whether every per-service object was rewritten
 * @param bytesWritten size of the payload or number of operations sent to the kernel (for logs and benchmarks)
 * @param families    the IP families this sync programmed; empty means "every family the engine records"
 */
public record SyncResult(boolean fullSync, long bytesWritten, Set<IpFamily> families) {
    public SyncResult {
        families = families == null || families.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(families));
    }

    /** A result that does not say which families were programmed. */
    public SyncResult(boolean fullSync, long bytesWritten) {
        this(fullSync, bytesWritten, Set.of());
    }
}
