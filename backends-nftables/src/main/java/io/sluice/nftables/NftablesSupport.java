package io.sluice.nftables;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kube-proxy's checks before it uses nftables mode (pkg/proxy/nftables/supported.go, knftables {@code newInternal}):
 * the {@code nft} binary must be at least 1.0.1 ({@code nftables v0.*} and {@code v1.0.0} are rejected) and the kernel
 * at least 5.13 (utilkernel.NFTablesKubeProxyKernelVersion), unless {@code KUBE_PROXY_NFTABLES_SKIP_KERNEL_VERSION_CHECK}
 * is set. Pure functions; each returns the reason a requirement is not met, or empty.
 */
public final class NftablesSupport {
    public static final String SKIP_KERNEL_CHECK = "KUBE_PROXY_NFTABLES_SKIP_KERNEL_VERSION_CHECK";
    private static final Pattern NFT_VERSION = Pattern.compile("nftables v(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern KERNEL_VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private NftablesSupport() {
    }

    /** @param versionOutput what {@code nft --version} printed, e.g. {@code nftables v1.0.6 (Lester Gooch #5)} */
    public static Optional<String> nftProblem(String versionOutput) {
        Matcher m = NFT_VERSION.matcher(versionOutput);
        if (!m.find()) {
            return Optional.of("cannot parse nft --version output: " + versionOutput.strip());
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = Integer.parseInt(m.group(3));
        if (major == 0 || (major == 1 && minor == 0 && patch == 0)) {
            return Optional.of("nft " + m.group().substring(9) + " is too old: nftables mode needs nft >= 1.0.1");
        }
        return Optional.empty();
    }

    /**
     * @param osVersion the kernel release ({@code os.version} on Linux, e.g. {@code 6.1.0-18-amd64})
     * @param skip      the value of {@link #SKIP_KERNEL_CHECK}, null when unset
     */
    public static Optional<String> kernelProblem(String osVersion, String skip) {
        if (skip != null && !skip.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = KERNEL_VERSION.matcher(osVersion == null ? "" : osVersion);
        if (!m.find()) {
            return Optional.empty(); // unknown: let nft itself fail loudly if the kernel cannot do it
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < 5 || (major == 5 && minor < 13)) {
            return Optional.of("kernel " + osVersion + " is too old: nftables mode needs >= 5.13 (set "
                    + SKIP_KERNEL_CHECK + " to skip this check)");
        }
        return Optional.empty();
    }
}
