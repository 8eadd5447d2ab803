package io.sluice.iptables.render;

import com.google.common.io.BaseEncoding;
import io.sluice.core.model.ServicePortName;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * kube-proxy's hashed chain names ({@code pkg/proxy/iptables/proxier.go}: {@code portProtoHash},
 * {@code servicePortEndpointChainName}): the first 16 characters of the RFC 4648 base32 encoding of
 * {@code sha256(servicePortName + protocol [+ "ip:port"])}, concatenated without separators. The names are identical
 * to kube-proxy's, so Sluice can take over a node from kube-proxy (and back) without stale chains. Pure functions.
 */
public final class ChainNames {
    public static final String SVC_PREFIX = "KUBE-SVC-";
    public static final String SVL_PREFIX = "KUBE-SVL-";
    public static final String EXT_PREFIX = "KUBE-EXT-";
    public static final String FW_PREFIX = "KUBE-FW-";
    public static final String SEP_PREFIX = "KUBE-SEP-";

    // Top-level chains (proxier.go constants).
    public static final String KUBE_SERVICES = "KUBE-SERVICES";
    public static final String KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
    public static final String KUBE_NODEPORTS = "KUBE-NODEPORTS";
    public static final String KUBE_POSTROUTING = "KUBE-POSTROUTING";
    public static final String KUBE_MARK_MASQ = "KUBE-MARK-MASQ";
    public static final String KUBE_FORWARD = "KUBE-FORWARD";
    public static final String KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
    public static final String KUBE_PROXY_CANARY = "KUBE-PROXY-CANARY";
    /** kubelet's chain, which kube-proxy also writes (the route_localnet anti-martian rule). */
    public static final String KUBE_FIREWALL = "KUBE-FIREWALL";

    private ChainNames() {
    }

    /** {@code KUBE-SVC-<hash>}: the Cluster-policy chain. */
    public static String serviceChain(ServicePortName spn) {
        return SVC_PREFIX + portProtoHash(spn);
    }

    /** {@code KUBE-SVL-<hash>}: the Local-policy chain. */
    public static String localChain(ServicePortName spn) {
        return SVL_PREFIX + portProtoHash(spn);
    }

    /** {@code KUBE-EXT-<hash>}: the external-traffic chain (node ports, external IPs, LB IPs). */
    public static String externalChain(ServicePortName spn) {
        return EXT_PREFIX + portProtoHash(spn);
    }

    /** {@code KUBE-FW-<hash>}: the loadBalancerSourceRanges chain. */
    public static String firewallChain(ServicePortName spn) {
        return FW_PREFIX + portProtoHash(spn);
    }

    /** {@code KUBE-SEP-<hash>} of one endpoint, {@code ipPort} as {@code net.JoinHostPort} prints it. */
    public static String endpointChain(ServicePortName spn, String ipPort) {
        return SEP_PREFIX + hash16(spn.toString() + spn.protocol().lower() + ipPort);
    }

    /** upstream {@code isServiceChainName}: the prefixes of per-service nat chains (not KUBE-FIREWALL). */
    public static boolean isServiceChain(String chain) {
        return chain.startsWith(SVC_PREFIX) || chain.startsWith(SVL_PREFIX) || chain.startsWith(SEP_PREFIX)
                || chain.startsWith(FW_PREFIX) || chain.startsWith(EXT_PREFIX);
    }

    static String portProtoHash(ServicePortName spn) {
        return hash16(spn.toString() + spn.protocol().lower());
    }

    static String hash16(String input) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return BaseEncoding.base32().encode(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
