package io.sluice.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * Go's {@code time.Duration} text form, as {@code metav1.Duration} fields use it: {@code "30s"}, {@code "1m0s"},
 * {@code "500ms"}, {@code "1h2m3.5s"}, {@code "-1s"}, {@code "0"}. Parsing follows {@code time.ParseDuration}
 * (units ns, us, µs, μs, ms, s, m, h; decimal fractions; a sign); formatting follows {@code Duration.String()}.
 */
public final class GoDuration {
    private GoDuration() {
    }

    /** Parses Go duration syntax; empty when malformed or out of range. */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text;
        if (s.isEmpty()) {
            return Optional.empty();
        }
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal totalNanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')
                    || !number.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
                return Optional.empty();
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            long unit = switch (s.substring(unitStart, i)) {
                case "ns" -> 1L;
                case "us", "\u00b5s", "\u03bcs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> -1L;
            };
            if (unit < 0) {
                return Optional.empty();
            }
            totalNanos = totalNanos.add(new BigDecimal(number.startsWith(".") ? "0" + number : number)
                    .multiply(BigDecimal.valueOf(unit)));
        }
        // Go's Duration is an int64 of nanoseconds; fractions below 1 ns are truncated.
        BigDecimal whole = totalNanos.setScale(0, java.math.RoundingMode.DOWN);
        if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return Optional.empty();
        }
        long n = whole.longValueExact();
        return Optional.of(Duration.ofNanos(negative ? -n : n));
    }

    /** Go's {@code Duration.String()}: "0s", "500ms", "1.5µs", "30s", "1m0s", "1h2m3.5s". */
    public static String format(Duration d) {
        long n = d.toNanos();
        if (n == 0) {
            return "0s";
        }
        String sign = n < 0 ? "-" : "";
        long u = Math.abs(n);
        if (u < 1_000_000_000L) {
            if (u < 1_000L) {
                return sign + u + "ns";
            }
            if (u < 1_000_000L) {
                return sign + fraction(u, 1_000L) + "\u00b5s";
            }
            return sign + fraction(u, 1_000_000L) + "ms";
        }
        long hours = u / 3_600_000_000_000L;
        long rem = u % 3_600_000_000_000L;
        long minutes = rem / 60_000_000_000L;
        rem = rem % 60_000_000_000L;
        StringBuilder sb = new StringBuilder(sign);
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(fraction(rem, 1_000_000_000L)).append('s').toString();
    }

    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long frac = value % unit;
        if (frac == 0) {
            return Long.toString(whole);
        }
        String digits = Long.toString(unit + frac).substring(1);
        return whole + "." + digits.replaceAll("0+$", "");
    }
}
