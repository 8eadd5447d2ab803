package io.sluice.nftables.render;

import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.nftables.model.Mark;
import io.sluice.nftables.model.NftFamily;

import java.util.List;
import java.util.Objects;

/**
 * Everything besides the snapshot that decides the rendered table of one family.
 *
 * @param nodeName          decides which endpoints are local
 * @param mark              the masquerade mark as written ({@code 0x00004000}; upstream tests {@code 0x4000})
 * @param masqueradeAll     masquerade all cluster-IP traffic
 * @param localTraffic      the local-traffic detector
 * @param nodePortAddresses {@code nodePortAddresses} as configured (empty: nftables mode's {@code [primary]})
 */
public record NftablesRenderOptions(NftFamily family, String nodeName, Mark mark, boolean masqueradeAll,
                                    LocalTraffic localTraffic, List<String> nodePortAddresses) {
    public static final String TABLE = "kube-proxy";

    public NftablesRenderOptions {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(mark, "mark");
        Objects.requireNonNull(localTraffic, "localTraffic");
        nodePortAddresses = List.copyOf(nodePortAddresses);
    }

    /** From the configuration ({@code nftables.masqueradeBit}/{@code masqueradeAll} live in {@code iptables()}). */
    public static NftablesRenderOptions from(ProxyConfig config, IpFamily family, NodeInfo node) {
        String nodeName = !config.hostnameOverride().isEmpty() ? config.hostnameOverride() : node.name();
        return new NftablesRenderOptions(NftFamily.of(family), nodeName, Mark.ofBit(config.iptables().masqueradeBit()),
                config.iptables().masqueradeAll(), LocalTraffic.from(config, family), config.nodePortAddresses());
    }

    public NftablesRenderOptions withMark(Mark m) {
        return new NftablesRenderOptions(family, nodeName, m, masqueradeAll, localTraffic, nodePortAddresses);
    }
}
