package io.sluice.core.source;

import java.util.regex.Pattern;

/**
 * Kubernetes name syntax checks ({@code k8s.io/apimachinery/pkg/util/validation}) and a printable form for logs.
 *
 * <p>Every name that leaves the source layer has passed one of these checks, so it is made only of lower-case
 * letters, digits, '-' and (subdomains only) '.', and is safe in iptables comments, ipset names and log lines.
 */
public final class KubeNames {
    /** {@code IsDNS1123Label}: at most 63 characters. */
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** {@code IsDNS1123Subdomain}: at most 253 characters. */
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** Label values ({@code IsValidLabelValue}): at most 63 characters, may be empty. */
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    private static final int MAX_PRINTABLE = 128;

    private KubeNames() {
    }

    public static boolean isDns1123Label(String s) {
        return s != null && !s.isEmpty() && s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
    }

    public static boolean isDns1123Subdomain(String s) {
        return s != null && !s.isEmpty() && s.length() <= 253 && DNS1123_SUBDOMAIN.matcher(s).matches();
    }

    /**
     * A Service or EndpointSlice port name: empty (a single unnamed port) or a DNS-1123 label, as the API server
     * validates {@code spec.ports[].name} ({@code ValidateDNS1123Label}).
     */
    public static boolean isPortName(String s) {
        return s != null && (s.isEmpty() || isDns1123Label(s));
    }

    /** A label value: empty, or at most 63 alphanumerics with '-', '_' and '.' inside. */
    public static boolean isLabelValue(String s) {
        return s != null && s.length() <= 63 && LABEL_VALUE.matcher(s).matches();
    }

    /**
     * A form of any string that is safe in one log line: printable ASCII kept, everything else (control characters,
     * newlines, non-ASCII) escaped as {@code \\uXXXX}, backslashes doubled, long values cut with "...".
     */
    public static String printable(String s) {
        if (s == null) {
            return "<null>";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_PRINTABLE) + 8);
        for (int i = 0; i < s.length(); i++) {
            if (sb.length() >= MAX_PRINTABLE) {
                sb.append("...");
                break;
            }
            char c = s.charAt(i);
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    /** {@code printable(namespace) + "/" + printable(name)}. */
    public static String printable(String namespace, String name) {
        return printable(namespace) + "/" + printable(name);
    }
}
