package io.sluice.ipvs;

import java.util.Set;

/**
 * The {@code kube-ipvs0} dummy interface that holds every cluster IP (and external/LB IPs not bound elsewhere), so the
 * kernel accepts packets to them. Real implementation: rtnetlink; tests: an in-memory fake.
 */
public interface DummyLink {
    String NAME = "kube-ipvs0";

    /** Creates the link (left DOWN, as kube-proxy does) when missing. Idempotent. */
    void ensureExists() throws IpvsException;

    /** Canonical addresses currently bound to the link. */
    Set<String> addresses() throws IpvsException;

    /** Binds as /32 or /128; an address already present is not an error. */
    void bind(String address) throws IpvsException;

    /** Unbinds; an address already gone is not an error. */
    void unbind(String address) throws IpvsException;

    /** Deletes the link (cleanup only). Idempotent. */
    void delete() throws IpvsException;
}
