package io.sluice.iptables.render;

import java.util.AbstractSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The service chains of a render's ports, as an unmodifiable set built on first use: a partial sync that has no
 * stale-chain scan (kube-proxy's large-cluster throttling) and whose caller never reads
 * {@link RenderedRules#activeNatChains()} does not pay for hashing every chain name of the cluster. Safe to read from
 * any thread (the build is idempotent; the published set is never modified).
 */
final class ActiveChains extends AbstractSet<String> {
    private final List<PortRules> ports;
    private volatile Set<String> set;

    ActiveChains(List<PortRules> ports) {
        this.ports = List.copyOf(ports);
    }

    private Set<String> set() {
        Set<String> s = set;
        if (s == null) {
            s = new HashSet<>();
            for (PortRules p : ports) {
                s.addAll(p.active());
            }
            set = s;
        }
        return s;
    }

    @Override
    public boolean contains(Object o) {
        return set().contains(o);
    }

    @Override
    public Iterator<String> iterator() {
        Iterator<String> it = set().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public String next() {
                return it.next();
            }
        };
    }

    @Override
    public int size() {
        return set().size();
    }
}
