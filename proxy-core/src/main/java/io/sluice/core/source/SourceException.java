package io.sluice.core.source;

/** A source could not be read: the message names the file (or endpoint) and the cause, fit for a CLI error line. */
public class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }

    public SourceException(String message) {
        super(message);
    }
}
