package io.sluice.core.backend;

/** A sync or cleanup that failed. The previous kernel state is left in place. */
public class SyncException extends Exception {
    public SyncException(String message) {
        super(message);
    }

    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
