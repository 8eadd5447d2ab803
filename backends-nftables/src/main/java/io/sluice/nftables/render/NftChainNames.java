package io.sluice.nftables.render;

import com.google.common.io.BaseEncoding;
import io.sluice.core.model.ServicePortName;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * kube-proxy's nftables chain and set names (pkg/proxy/nftables/proxier.go {@code hashAndTruncate},
 * {@code servicePortChainNameBase}, {@code servicePortEndpointChainNameBase}): a prefix, then the first 8 characters
 * of base32(sha256(base)), {@code -} and the readable base {@code ns/svc/proto/port} (endpoints:
 * {@code ...__ip/port} with {@code :} written as {@code .}), cut to 240 characters with {@code ...}. Identical to
 * kube-proxy's, so Sluice and kube-proxy can take over each other's table. Pure functions.
 */
public final class NftChainNames {
    public static final String SERVICE = "service-";
    public static final String LOCAL = "local-";
    public static final String EXTERNAL = "external-";
    public static final String FIREWALL = "firewall-";
    public static final String ENDPOINT = "endpoint-";
    public static final String AFFINITY = "affinity-";
    /** upstream chainNameBaseLengthMax. */
    static final int BASE_LENGTH_MAX = 240;

    private NftChainNames() {
    }

    /** {@code ns/svc/proto/port}. */
    public static String serviceBase(ServicePortName spn) {
        return spn.service().namespace() + "/" + spn.service().name() + "/" + spn.protocol().lower() + "/" + spn.port();
    }

    /** {@code hashAndTruncate(serviceBase)}. */
    public static String servicePortChainNameBase(ServicePortName spn) {
        return hashAndTruncate(serviceBase(spn));
    }

    /** {@code hashAndTruncate(serviceBase + "__" + ip(':'→'.') + "/" + port)}. */
    public static String endpointChainNameBase(ServicePortName spn, String ip, int port) {
        return hashAndTruncate(serviceBase(spn) + "__" + ip.replace(':', '.') + "/" + port);
    }

    static String hashAndTruncate(String name) {
        String out = hash8(name) + "-" + name;
        if (out.length() > BASE_LENGTH_MAX) {
            out = out.substring(0, BASE_LENGTH_MAX - 3) + "...";
        }
        return out;
    }

    static String hash8(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return BaseEncoding.base32().encode(d).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** kube-proxy's {@code isServiceChainName}: every per-service chain name contains a {@code /}, no fixed one does. */
    public static boolean isServiceChainName(String chain) {
        return chain.indexOf('/') >= 0;
    }

    /** kube-proxy's {@code isAffinitySetName}. */
    public static boolean isAffinitySetName(String set) {
        return set.startsWith(AFFINITY);
    }
}
