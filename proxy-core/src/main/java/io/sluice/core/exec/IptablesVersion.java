package io.sluice.core.exec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An iptables version such as 1.8.9, parsed from {@code iptables --version} ("iptables v1.8.9 (nf_tables)").
 *
 * @param mode "nf_tables", "legacy" or "" when the output does not say
 */
public record IptablesVersion(int major, int minor, int patch, String mode) implements Comparable<IptablesVersion> {
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)(?:\\s*\\(([^)]*)\\))?");

    /** kube-proxy: {@code --random-fully} and the {@code -w 5 -W 100000} restore wait flags need 1.6.2. */
    public static final IptablesVersion RANDOM_FULLY_MIN = new IptablesVersion(1, 6, 2, "");

    public static Optional<IptablesVersion> parse(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput == null ? "" : versionOutput);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new IptablesVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), m.group(4) == null ? "" : m.group(4).strip()));
    }

    public boolean atLeast(IptablesVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(IptablesVersion o) {
        if (major != o.major) {
            return Integer.compare(major, o.major);
        }
        if (minor != o.minor) {
            return Integer.compare(minor, o.minor);
        }
        return Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (mode.isEmpty() ? "" : " (" + mode + ")");
    }
}
