package io.sluice.nftables.render;

import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import io.sluice.nftables.model.Field;
import io.sluice.nftables.model.Statement;
import io.sluice.nftables.model.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * kube-proxy's LocalTrafficDetector in its nftables forms ({@code IfLocalNFT} / {@code IfNotLocalNFT}): by source
 * CIDR ({@code ip saddr 10.0.0.0/8}), by bridge ({@code iif br0}) or by interface prefix ({@code iif veth*}); none
 * when no detector applies to the family (the rules that need it are then left out, as upstream).
 *
 * @param field the field matched, null for the no-op detector
 * @param value the CIDR or interface name
 */
public record LocalTraffic(Field field, Value value) {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTraffic.class);
    public static final LocalTraffic NONE = new LocalTraffic(null, null);

    public boolean implemented() {
        return field != null;
    }

    /** {@code ip saddr 10.0.0.0/8}. */
    public Optional<Statement> ifLocal() {
        return implemented() ? Optional.of(new Statement.Compare(field, false, value)) : Optional.empty();
    }

    /** {@code ip saddr != 10.0.0.0/8}. */
    public Optional<Statement> ifNotLocal() {
        return implemented() ? Optional.of(new Statement.Compare(field, true, value)) : Optional.empty();
    }

    /** The detector of {@code detectLocalMode} for one family, as RenderOptions.detector does for iptables. */
    public static LocalTraffic from(ProxyConfig config, IpFamily family) {
        String mode = config.detectLocalMode() == null || config.detectLocalMode().isEmpty()
                ? "ClusterCIDR" : config.detectLocalMode();
        try {
            return switch (mode) {
                case "ClusterCIDR", "NodeCIDR" -> config.clusterCIDRs().stream()
                        .map(c -> Cidr.parse(c).orElse(null))
                        .filter(c -> c != null && c.family() == family)
                        .findFirst()
                        .map(c -> new LocalTraffic(Field.SADDR, new Value.Prefix(c.toString())))
                        .orElse(NONE);
                case "BridgeInterface" -> new LocalTraffic(Field.IIF,
                        new Value.IfName(config.detectLocal().bridgeInterface()));
                case "InterfaceNamePrefix" -> new LocalTraffic(Field.IIF,
                        new Value.IfName(config.detectLocal().interfaceNamePrefix() + "*"));
                default -> NONE;
            };
        } catch (IllegalArgumentException e) {
            LOG.warn("detect-local-mode {}: {}; no local traffic detection", mode, e.getMessage());
            return NONE;
        }
    }
}
