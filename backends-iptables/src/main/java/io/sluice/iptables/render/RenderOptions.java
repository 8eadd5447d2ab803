package io.sluice.iptables.render;

import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything besides the snapshot that changes the rendered rules (reference §11.3). One renderer per family.
 *
 * @param family                   the proxier's IP family
 * @param nodeName                 decides which endpoints are local
 * @param nodeIPs                  the node's addresses of {@code family}, primary first (LB source-range
 *                                 "allow from node" check uses the primary, like kube-proxy's {@code nodeIP};
 *                                 node-port addresses are matched against all of them)
 * @param masqueradeMark           e.g. {@code 0x00004000} (real kube-proxy) or {@code 0x4000} (upstream tests)
 * @param masqueradeAll            masquerade every cluster-IP packet
 * @param localDetector            local-traffic detector for the family ({@link LocalDetector.NoOp} when none)
 * @param localhostNodePorts       node ports on 127.0.0.1 (IPv4 only; forced off when {@code nodePortAddresses} has
 *                                 no IPv4 loopback)
 * @param nodePortAddresses        CIDRs (any family) or "primary"; empty means every local address
 * @param conntrackTcpBeLiberal    nf_conntrack_tcp_be_liberal is set: no ctstate INVALID drop rule
 * @param randomFully              iptables ≥ 1.6.2: {@code MASQUERADE --random-fully}
 * @param nfacctCtStateInvalid     nfacct counter {@code ct_state_invalid_dropped_pkts} exists
 * @param nfacctLocalhostNodePorts nfacct counter {@code localhost_nps_accepted_pkts} exists
 */
public record RenderOptions(IpFamily family, String nodeName, List<String> nodeIPs, String masqueradeMark,
                            boolean masqueradeAll, LocalDetector localDetector, boolean localhostNodePorts,
                            List<String> nodePortAddresses, boolean conntrackTcpBeLiberal, boolean randomFully,
                            boolean nfacctCtStateInvalid, boolean nfacctLocalhostNodePorts) {
    private static final Logger LOG = LoggerFactory.getLogger(RenderOptions.class);
    private static final Pattern MARK = Pattern.compile("0x[0-9a-fA-F]{1,8}|[0-9]{1,10}");

    public RenderOptions {
        Objects.requireNonNull(family, "family");
        nodeName = nodeName == null ? "" : nodeName;
        List<String> ips = new ArrayList<>();
        for (String ip : nodeIPs) {
            String c = IpAddresses.canonical(ip).orElseThrow(() -> new IllegalArgumentException("bad node IP " + ip));
            if (IpFamily.of(c) == family && !ips.contains(c)) {
                ips.add(c);
            }
        }
        nodeIPs = List.copyOf(ips);
        if (masqueradeMark == null || !MARK.matcher(masqueradeMark).matches()) {
            throw new IllegalArgumentException("bad masquerade mark " + masqueradeMark);
        }
        localDetector = localDetector == null ? new LocalDetector.NoOp() : localDetector;
        nodePortAddresses = List.copyOf(nodePortAddresses);
    }

    /**
     * From the configuration: family, node (name + addresses of that family), capabilities. Unknown capabilities
     * ({@code null}, "probe") count as absent, which always yields a payload iptables accepts. ClusterCIDR mode
     * without a CIDR of the family gets no detector (with a warning), like kube-proxy. NodeCIDR mode needs the node's
     * pod CIDRs, which {@link NodeInfo} does not carry yet, so it falls back to the cluster CIDR of the family.
     */
    public static RenderOptions from(ProxyConfig config, IpFamily family, NodeInfo node, KernelAssumptions caps) {
        String nodeName = !config.hostnameOverride().isEmpty() ? config.hostnameOverride() : node.name();
        List<String> ips = node.addresses().stream().filter(a -> IpFamily.of(a) == family).toList();
        return new RenderOptions(family, nodeName, ips, config.iptables().masqueradeMark(),
                config.iptables().masqueradeAll(), detector(config, family), config.iptables().localhostNodePorts(),
                config.nodePortAddresses(), config.conntrack().tcpBeLiberal(),
                Boolean.TRUE.equals(caps.randomFully()), Boolean.TRUE.equals(caps.nfacct()),
                Boolean.TRUE.equals(caps.nfacct()));
    }

    static LocalDetector detector(ProxyConfig config, IpFamily family) {
        String mode = config.detectLocalMode() == null || config.detectLocalMode().isEmpty()
                ? "ClusterCIDR" : config.detectLocalMode();
        try {
            switch (mode) {
                case "ClusterCIDR", "NodeCIDR" -> {
                    for (String c : config.clusterCIDRs()) {
                        Cidr cidr = Cidr.parse(c).orElse(null);
                        if (cidr != null && cidr.family() == family) {
                            if (mode.equals("NodeCIDR")) {
                                LOG.warn("Detect-local-mode NodeCIDR: the node's pod CIDRs are not known;"
                                        + " using the cluster CIDR {} instead", cidr);
                            }
                            return new LocalDetector.ClusterCidr(cidr.toString());
                        }
                    }
                    LOG.warn("Detect-local-mode {} has no CIDR of family {}: no local traffic detection for {}"
                            + " (cluster-IP traffic is not masqueraded)", mode, family, family);
                    return new LocalDetector.NoOp();
                }
                case "BridgeInterface" -> {
                    return new LocalDetector.BridgeInterface(config.detectLocal().bridgeInterface());
                }
                case "InterfaceNamePrefix" -> {
                    return new LocalDetector.InterfaceNamePrefix(config.detectLocal().interfaceNamePrefix());
                }
                default -> {
                    LOG.warn("Unknown detect-local-mode {}: no local traffic detection", mode);
                    return new LocalDetector.NoOp();
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("Detect-local-mode {}: {}; no local traffic detection", mode,
                    SafeValues.escape(e.getMessage()));
            return new LocalDetector.NoOp();
        }
    }

    /** The primary node IP of the family (kube-proxy's {@code nodeIP}), or null. */
    public String primaryNodeIP() {
        return nodeIPs.isEmpty() ? null : nodeIPs.get(0);
    }
}
