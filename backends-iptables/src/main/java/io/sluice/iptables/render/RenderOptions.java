package io.sluice.iptables.render;

import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.node.LocalTrafficDetector;
import io.sluice.core.node.NodeFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything besides the snapshot that changes the rendered rules (the inputs of kube-proxy's
 * pkg/proxy/iptables/proxier.go NewProxier besides the informers). One renderer per family.
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
 * @param nodePortCandidates       the addresses {@code nodePortAddresses} CIDRs are matched against (kube-proxy's
 *                                 {@code GetNodeIPs}): the host's interface addresses in {@code run}
 *                                 ({@link NodeFacts}); null means the Node-object convention of dumps: the family's
 *                                 loopback address, then {@code nodeIPs}
 */
public record RenderOptions(IpFamily family, String nodeName, List<String> nodeIPs, String masqueradeMark,
                            boolean masqueradeAll, LocalDetector localDetector, boolean localhostNodePorts,
                            List<String> nodePortAddresses, boolean conntrackTcpBeLiberal, boolean randomFully,
                            boolean nfacctCtStateInvalid, boolean nfacctLocalhostNodePorts,
                            List<String> nodePortCandidates) {
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
        nodePortCandidates = nodePortCandidates == null ? null : List.copyOf(nodePortCandidates);
    }

    /** Options with the Node-object convention for node-port addresses ({@code nodePortCandidates} null). */
    public RenderOptions(IpFamily family, String nodeName, List<String> nodeIPs, String masqueradeMark,
                         boolean masqueradeAll, LocalDetector localDetector, boolean localhostNodePorts,
                         List<String> nodePortAddresses, boolean conntrackTcpBeLiberal, boolean randomFully,
                         boolean nfacctCtStateInvalid, boolean nfacctLocalhostNodePorts) {
        this(family, nodeName, nodeIPs, masqueradeMark, masqueradeAll, localDetector, localhostNodePorts,
                nodePortAddresses, conntrackTcpBeLiberal, randomFully, nfacctCtStateInvalid, nfacctLocalhostNodePorts,
                null);
    }

    /** The addresses node-port CIDRs are matched against (see {@code nodePortCandidates}). */
    public List<String> nodePortCandidateAddresses() {
        if (nodePortCandidates != null) {
            return nodePortCandidates;
        }
        List<String> out = new ArrayList<>();
        out.add(family == IpFamily.IPv4 ? "127.0.0.1" : "::1");
        out.addAll(nodeIPs);
        return out;
    }

    /**
     * From the configuration with the Node-object convention ({@link NodeFacts#nodeObject()}): what dumps render.
     */
    public static RenderOptions from(ProxyConfig config, IpFamily family, NodeInfo node, KernelAssumptions caps) {
        return from(config, family, node, caps, NodeFacts.nodeObject());
    }

    /**
     * From the configuration: family, node (name + addresses of that family), capabilities, and the node facts
     * (node-port candidate addresses, local-traffic detector, including NodeCIDR from the Node's pod CIDRs). Unknown
     * capabilities ({@code null}, "probe") count as absent, which always yields a payload iptables accepts.
     */
    public static RenderOptions from(ProxyConfig config, IpFamily family, NodeInfo node, KernelAssumptions caps,
                                     NodeFacts facts) {
        String nodeName = !config.hostnameOverride().isEmpty() ? config.hostnameOverride() : node.name();
        List<String> ips = node.addresses().stream().filter(a -> IpFamily.of(a) == family).toList();
        return new RenderOptions(family, nodeName, ips, config.iptables().masqueradeMark(),
                config.iptables().masqueradeAll(), LocalDetector.of(facts.localDetector(config, family, node)),
                config.iptables().localhostNodePorts(),
                config.nodePortAddresses(), config.conntrack().tcpBeLiberal(),
                Boolean.TRUE.equals(caps.randomFully()), Boolean.TRUE.equals(caps.nfacct()),
                Boolean.TRUE.equals(caps.nfacct()), facts.readsHost() ? facts.candidateAddresses(family, node) : null);
    }

    /** The detector of a family from the configuration alone (no Node: NodeCIDR finds no pod CIDR). */
    static LocalDetector detector(ProxyConfig config, IpFamily family) {
        return LocalDetector.of(LocalTrafficDetector.forFamily(config, family, NodeInfo.named("")));
    }

    /** The primary node IP of the family (kube-proxy's {@code nodeIP}), or null. */
    public String primaryNodeIP() {
        return nodeIPs.isEmpty() ? null : nodeIPs.get(0);
    }
}
