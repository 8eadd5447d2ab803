package io.sluice.core.source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Reports one rejected object (or part of one): one WARN line naming the object in printable form, and one call to
 * the {@link InvalidObjectListener} (which counts {@code sluice_invalid_objects_total{kind,reason}}).
 *
 * <p>Thread-safe as long as the listener is.
 */
final class InvalidObjectReporter {
    private static final Logger LOG = LoggerFactory.getLogger("io.sluice.core.source.invalid");

    private final InvalidObjectListener listener;

    InvalidObjectReporter(InvalidObjectListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * @param kind    "Service", "EndpointSlice" or "Node"
     * @param object  namespace/name, already printable
     * @param reason  a fixed token
     * @param detail  what was wrong; made printable here
     */
    void report(String kind, String object, String reason, String detail) {
        LOG.warn("Rejected {} {}: {} ({})", kind, object, reason, KubeNames.printable(detail));
        try {
            listener.invalid(kind, object, reason);
        } catch (RuntimeException e) {
            LOG.warn("InvalidObjectListener failed for {} {}", kind, object, e);
        }
    }
}
