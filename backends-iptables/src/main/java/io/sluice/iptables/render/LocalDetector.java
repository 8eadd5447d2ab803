package io.sluice.iptables.render;

import io.sluice.core.model.Cidr;
import io.sluice.core.node.LocalTrafficDetector;

import java.util.List;
import java.util.regex.Pattern;

/**
 * kube-proxy's local-traffic detector ({@code pkg/proxy/util/localdetector.go}): the matches that tell pod traffic
 * ({@link #ifLocal()}) from traffic that did not come from a local pod ({@link #ifNotLocal()}). The latter decides the
 * cluster-IP masquerade rule, the former the eTP=Local "pod traffic" short-circuit. {@link NoOp} is "not implemented":
 * no such rules at all. Values are validated on construction, so every argument is safe for iptables-restore.
 */
public sealed interface LocalDetector {
    /** Linux interface names: at most 15 characters (IFNAMSIZ - 1), restricted to a safe alphabet. */
    Pattern INTERFACE = Pattern.compile("[A-Za-z0-9._\\-]{1,15}");

    /** upstream {@code IsImplemented()}. */
    default boolean implemented() {
        return true;
    }

    /** Matches for traffic from a local pod, e.g. {@code [-s, 10.0.0.0/8]}. */
    List<String> ifLocal();

    /** Matches for traffic not from a local pod, e.g. {@code [!, -s, 10.0.0.0/8]}. */
    List<String> ifNotLocal();

    /** {@code --detect-local-mode=ClusterCIDR}: the cluster CIDR of the renderer's family. */
    record ClusterCidr(String cidr) implements LocalDetector {
        public ClusterCidr {
            cidr = canonicalCidr(cidr);
        }

        @Override
        public List<String> ifLocal() {
            return List.of("-s", cidr);
        }

        @Override
        public List<String> ifNotLocal() {
            return List.of("!", "-s", cidr);
        }
    }

    /** {@code --detect-local-mode=NodeCIDR}: the node's pod CIDR of the renderer's family. */
    record NodeCidr(String cidr) implements LocalDetector {
        public NodeCidr {
            cidr = canonicalCidr(cidr);
        }

        @Override
        public List<String> ifLocal() {
            return List.of("-s", cidr);
        }

        @Override
        public List<String> ifNotLocal() {
            return List.of("!", "-s", cidr);
        }
    }

    /** {@code --detect-local-mode=BridgeInterface}: pods sit behind one bridge. */
    record BridgeInterface(String name) implements LocalDetector {
        public BridgeInterface {
            requireInterface(name);
        }

        @Override
        public List<String> ifLocal() {
            return List.of("-i", name);
        }

        @Override
        public List<String> ifNotLocal() {
            return List.of("!", "-i", name);
        }
    }

    /** {@code --detect-local-mode=InterfaceNamePrefix}: pod interfaces share a prefix ({@code veth+}). */
    record InterfaceNamePrefix(String prefix) implements LocalDetector {
        public InterfaceNamePrefix {
            requireInterface(prefix);
        }

        @Override
        public List<String> ifLocal() {
            return List.of("-i", prefix + "+");
        }

        @Override
        public List<String> ifNotLocal() {
            return List.of("!", "-i", prefix + "+");
        }
    }

    /** No detector (e.g. ClusterCIDR mode without a CIDR of this family): upstream's {@code NewNoOpLocalDetector}. */
    record NoOp() implements LocalDetector {
        @Override
        public boolean implemented() {
            return false;
        }

        @Override
        public List<String> ifLocal() {
            return List.of();
        }

        @Override
        public List<String> ifNotLocal() {
            return List.of();
        }
    }

    /** The iptables form of the shared detector (proxy-core {@link LocalTrafficDetector}). */
    static LocalDetector of(LocalTrafficDetector d) {
        if (d instanceof LocalTrafficDetector.ClusterCidr c) {
            return new ClusterCidr(c.cidr());
        } else if (d instanceof LocalTrafficDetector.NodeCidr c) {
            return new NodeCidr(c.cidr());
        } else if (d instanceof LocalTrafficDetector.BridgeInterface b) {
            return new BridgeInterface(b.name());
        } else if (d instanceof LocalTrafficDetector.InterfaceNamePrefix p) {
            return new InterfaceNamePrefix(p.prefix());
        }
        return new NoOp();
    }

    private static String canonicalCidr(String cidr) {
        return Cidr.parse(cidr).map(Cidr::toString)
                .orElseThrow(() -> new IllegalArgumentException("not a CIDR: " + cidr));
    }

    private static void requireInterface(String name) {
        if (name == null || !INTERFACE.matcher(name).matches()) {
            throw new IllegalArgumentException("not a safe interface name: " + name);
        }
    }
}
