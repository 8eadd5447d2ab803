package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import io.sluice.core.model.Cidr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code networking.k8s.io/v1} ServiceCIDR → its name and canonical {@code spec.cidrs} (kube-proxy's
 * ServiceCIDRConfig keeps the union of every object's CIDRs). A malformed CIDR is dropped with one log line and
 * {@code sluice_invalid_objects_total{kind="ServiceCIDR"}}; the object's other CIDRs are kept.
 */
final class ServiceCIDRConverter {
    private ServiceCIDRConverter() {
    }

    record Converted(String name, List<String> cidrs) {
    }

    static Optional<Converted> convert(ServiceCIDR sc, InvalidObjectListener listener) {
        if (sc.getMetadata() == null || sc.getMetadata().getName() == null) {
            return Optional.empty();
        }
        String name = sc.getMetadata().getName();
        List<String> out = new ArrayList<>();
        List<String> raw = sc.getSpec() == null || sc.getSpec().getCidrs() == null ? List.of() : sc.getSpec().getCidrs();
        for (String c : raw) {
            Optional<Cidr> cidr = c == null ? Optional.empty() : Cidr.parse(c.strip());
            if (cidr.isPresent()) {
                out.add(cidr.get().toString());
            } else {
                listener.invalid("ServiceCIDR", name, "cidr");
            }
        }
        return Optional.of(new Converted(name, out));
    }
}
