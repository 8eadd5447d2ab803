package io.sluice.core.exec;

import io.sluice.core.model.IpFamily;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Which iptables back end the node uses. Both can hold rules at the same time on one kernel; kube-proxy must write
 * to the one kubelet and the rest of the node use.
 */
public enum IptablesVariant {
    LEGACY("legacy"), NFT("nft");

    private final String suffix;

    IptablesVariant(String suffix) {
        this.suffix = suffix;
    }

    /** The binary of a tool for a family: {@code tool("restore", IPv6)} is {@code ip6tables-legacy-restore}. */
    public String binary(IpFamily family, String tool) {
        String base = family == IpFamily.IPv6 ? "ip6tables" : "iptables";
        return base + "-" + suffix + (tool.isEmpty() ? "" : "-" + tool);
    }

    /**
     * Detection as kubelet's iptables-wrapper does it: when {@code iptables-legacy-save} or {@code iptables-nft-save}
     * shows KUBE- chains (kube-proxy's or kubelet's) in one variant only, that variant is in use; otherwise the
     * variant {@code iptables --version} on PATH reports ("(nf_tables)" or "(legacy)"); nft when nothing tells.
     */
    public static IptablesVariant detect(CommandRunner runner, IpFamily family) {
        boolean legacy = hasKubeChains(runner, LEGACY.binary(family, "save"));
        boolean nft = hasKubeChains(runner, NFT.binary(family, "save"));
        if (legacy != nft) {
            return legacy ? LEGACY : NFT;
        }
        String plain = family == IpFamily.IPv6 ? "ip6tables" : "iptables";
        CommandRunner.CommandResult r = runner.run(List.of(plain, "--version"), "", Duration.ofSeconds(10));
        Optional<IptablesVersion> v = IptablesVersion.parse(r.stdout());
        if (v.isPresent() && v.get().mode().equals("legacy")) {
            return LEGACY;
        }
        return NFT;
    }

    /** Variants whose tools are installed (the restore binary runs {@code --version}). */
    public static List<IptablesVariant> installed(CommandRunner runner, IpFamily family) {
        return java.util.Arrays.stream(values())
                .filter(v -> runner.run(List.of(v.binary(family, "restore"), "--version"), "",
                        Duration.ofSeconds(10)).ok())
                .toList();
    }

    private static boolean hasKubeChains(CommandRunner runner, String saveBinary) {
        CommandRunner.CommandResult r = runner.run(List.of(saveBinary), "", Duration.ofSeconds(30));
        if (!r.ok()) {
            return false;
        }
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith(":KUBE-") || line.startsWith("-A KUBE-")) {
                return true;
            }
        }
        return false;
    }
}
