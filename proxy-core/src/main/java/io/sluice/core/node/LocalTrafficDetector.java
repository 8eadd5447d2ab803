package io.sluice.core.node;

import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How a backend tells traffic from local pods apart, for one IP family: kube-proxy's {@code LocalTrafficDetector}
 * (pkg/proxy/util/localdetector.go) as chosen by cmd/kube-proxy/app/server_linux.go {@code getLocalDetectors}. Every
 * backend renders it in its own syntax (iptables {@code -s CIDR} / {@code -i NAME}, nftables {@code ip saddr} /
 * {@code iifname}, IPVS's KUBE-SERVICES rules). Values are validated on construction (canonical CIDRs, interface names
 * of a safe alphabet), so they are safe for any rule text.
 */
public sealed interface LocalTrafficDetector {
    /** Linux interface names: at most 15 characters (IFNAMSIZ - 1), restricted to a safe alphabet. */
    Pattern INTERFACE = Pattern.compile("[A-Za-z0-9._\\-]{1,15}");

    /** kube-proxy's {@code IsImplemented()}: false means "write no local-detection rules at all". */
    default boolean implemented() {
        return true;
    }

    /** {@code detectLocalMode: ClusterCIDR}: the cluster CIDR of the family. */
    record ClusterCidr(String cidr) implements LocalTrafficDetector {
        public ClusterCidr {
            cidr = canonicalCidr(cidr);
        }
    }

    /** {@code detectLocalMode: NodeCIDR}: the node's pod CIDR of the family ({@code spec.podCIDRs}). */
    record NodeCidr(String cidr) implements LocalTrafficDetector {
        public NodeCidr {
            cidr = canonicalCidr(cidr);
        }
    }

    /** {@code detectLocalMode: BridgeInterface}: pods sit behind one bridge. */
    record BridgeInterface(String name) implements LocalTrafficDetector {
        public BridgeInterface {
            requireInterface(name);
        }
    }

    /** {@code detectLocalMode: InterfaceNamePrefix}: pod interfaces share a prefix. */
    record InterfaceNamePrefix(String prefix) implements LocalTrafficDetector {
        public InterfaceNamePrefix {
            requireInterface(prefix);
        }
    }

    /** No detector: kube-proxy's {@code NewNoOpLocalDetector}. */
    record NoOp() implements LocalTrafficDetector {
        @Override
        public boolean implemented() {
            return false;
        }
    }

    /** The detection mode in effect: the configured one, ClusterCIDR when unset. */
    static String mode(ProxyConfig config) {
        return config.detectLocalMode() == null || config.detectLocalMode().isEmpty()
                ? "ClusterCIDR" : config.detectLocalMode();
    }

    /**
     * server_linux.go {@code getLocalDetectors}: ClusterCIDR takes the cluster CIDR of the family, NodeCIDR the
     * node's pod CIDR of the family ({@link NodeInfo#podCIDRs()}), BridgeInterface and InterfaceNamePrefix the
     * configured name for both families. A CIDR mode without a CIDR of the family, an invalid value or an unknown
     * mode gives {@link NoOp} with a warning (kube-proxy: no local detection for that family).
     */
    static LocalTrafficDetector forFamily(ProxyConfig config, IpFamily family, NodeInfo node) {
        Logger log = LoggerFactory.getLogger(LocalTrafficDetector.class);
        String mode = mode(config);
        try {
            switch (mode) {
                case "ClusterCIDR", "NodeCIDR" -> {
                    List<String> cidrs = mode.equals("ClusterCIDR") ? config.clusterCIDRs() : node.podCIDRs();
                    for (String c : cidrs) {
                        Cidr cidr = Cidr.parse(c).orElse(null);
                        if (cidr != null && cidr.family() == family) {
                            return mode.equals("ClusterCIDR") ? new ClusterCidr(cidr.toString())
                                    : new NodeCidr(cidr.toString());
                        }
                    }
                    log.warn("Detect-local-mode {} has no {} CIDR of family {}: no local traffic detection for {}",
                            mode, mode.equals("ClusterCIDR") ? "cluster" : "node pod", family, family);
                    return new NoOp();
                }
                case "BridgeInterface" -> {
                    return new BridgeInterface(config.detectLocal().bridgeInterface());
                }
                case "InterfaceNamePrefix" -> {
                    return new InterfaceNamePrefix(config.detectLocal().interfaceNamePrefix());
                }
                default -> {
                    log.warn("Unknown detect-local-mode {}: no local traffic detection",
                            mode.replaceAll("[^A-Za-z0-9]", "?"));
                    return new NoOp();
                }
            }
        } catch (IllegalArgumentException e) {
            log.warn("Detect-local-mode {}: {}; no local traffic detection", mode,
                    String.valueOf(e.getMessage()).replaceAll("[^ -~]", "?"));
            return new NoOp();
        }
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
