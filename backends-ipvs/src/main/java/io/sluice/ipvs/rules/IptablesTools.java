package io.sluice.ipvs.rules;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.model.IpFamily;
import io.sluice.core.exec.IptablesVariant;
import io.sluice.core.exec.IptablesVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The iptables binaries IPVS mode runs, per family. {@link #detecting} uses the iptables backend's variant detection
 * ({@link IptablesVariant#detect}: the variant kubelet and the node use, legacy or nft), once per family on first use,
 * so IPVS mode writes to the same back end as the rest of the node, as kube-proxy's IPVS proxier does through
 * utiliptables; {@link #plain} runs {@code iptables}/{@code iptables-restore} from PATH (tests). Thread-safe.
 */
public final class IptablesTools {
    private static final Logger LOG = LoggerFactory.getLogger(IptablesTools.class);
    private final CommandRunner runner;
    private final boolean detect;
    private final Map<IpFamily, IptablesVariant> variants = new EnumMap<>(IpFamily.class);

    private IptablesTools(CommandRunner runner, boolean detect) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.detect = detect;
    }

    public static IptablesTools detecting(CommandRunner runner) {
        return new IptablesTools(runner, true);
    }

    public static IptablesTools plain(CommandRunner runner) {
        return new IptablesTools(runner, false);
    }

    public CommandRunner runner() {
        return runner;
    }

    /** {@code binary(IPv4, "restore")}: {@code iptables-nft-restore}, {@code iptables-legacy-restore} or plain. */
    public String binary(IpFamily family, String tool) {
        if (!detect) {
            String base = family == IpFamily.IPv6 ? "ip6tables" : "iptables";
            return tool.isEmpty() ? base : base + "-" + tool;
        }
        return variant(family).binary(family, tool);
    }

    private synchronized IptablesVariant variant(IpFamily family) {
        return variants.computeIfAbsent(family, f -> {
            IptablesVariant v = IptablesVariant.detect(runner, f);
            LOG.info("IPVS mode: {} iptables variant {}", f, v);
            return v;
        });
    }

    /**
     * kube-proxy's {@code HasRandomFully}: the family's iptables is at least 1.6.2. False when the version cannot be
     * read (the MASQUERADE rule then goes without {@code --random-fully}, which every version accepts).
     */
    public boolean randomFully(IpFamily family) {
        CommandRunner.CommandResult r = runner.run(List.of(binary(family, ""), "--version"), "", Duration.ofSeconds(10));
        Optional<IptablesVersion> v = r.ok() ? IptablesVersion.parse(r.stdout()) : Optional.empty();
        boolean ok = v.map(x -> x.atLeast(IptablesVersion.RANDOM_FULLY_MIN)).orElse(false);
        LOG.info("IPVS mode: {} iptables {}: random-fully {}", family, v.map(Object::toString).orElse("?"), ok);
        return ok;
    }
}
