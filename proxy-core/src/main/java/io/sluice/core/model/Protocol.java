package io.sluice.core.model;

import java.util.Locale;
import java.util.Optional;

/** L4 protocols a Service port can carry. kube-proxy hashes and prints the lower-case form. */
public enum Protocol {
    TCP, UDP, SCTP;

    /** Lower-case name as used in chain-name hashes, {@code -p}/{@code -m} matches and ipset entries. */
    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** IANA protocol number, as IPVS netlink wants it. */
    public int ianaNumber() {
        return switch (this) {
            case TCP -> 6;
            case UDP -> 17;
            case SCTP -> 132;
        };
    }

    /** Parses the API form ("TCP", "UDP", "SCTP"); an absent value means TCP, as the API server defaults it. */
    public static Optional<Protocol> parse(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of(TCP);
        }
        for (Protocol p : values()) {
            if (p.name().equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
