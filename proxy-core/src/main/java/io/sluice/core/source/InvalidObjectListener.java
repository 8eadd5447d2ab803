package io.sluice.core.source;

/**
 * Told about every object (or part of one) that is rejected as invalid. The metrics implementation counts
 * {@code sluice_invalid_objects_total{kind,reason}}; the source itself logs one line naming the object.
 *
 * @see io.sluice.core.source
 */
@FunctionalInterface
public interface InvalidObjectListener {
    /**
     * @param kind   "Service", "EndpointSlice" or "Node"
     * @param object namespace/name, already made printable (no control characters)
     * @param reason a short, fixed, low-cardinality token such as {@code invalid-cluster-ip} or {@code invalid-port}
     */
    void invalid(String kind, String object, String reason);

    InvalidObjectListener NOOP = (kind, object, reason) -> { };
}
