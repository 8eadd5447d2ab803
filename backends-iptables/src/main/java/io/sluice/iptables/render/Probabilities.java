package io.sluice.iptables.render;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * upstream {@code computeProbability(n) = fmt.Sprintf("%0.10f", 1.0/float64(n))}. Go prints the exact binary value of
 * the double rounded half-even; {@code String.format} rounds half-up and differs (n = 2048). Precomputed for small n
 * like kube-proxy's {@code precomputedProbabilities}. Thread-safe.
 */
final class Probabilities {
    private static final int CACHED = 4096;
    private static final String[] CACHE = new String[CACHED + 1];

    static {
        for (int n = 1; n <= CACHED; n++) {
            CACHE[n] = compute(n);
        }
    }

    private Probabilities() {
    }

    static String of(int n) {
        return n <= CACHED ? CACHE[n] : compute(n);
    }

    static String compute(int n) {
        return new BigDecimal(1.0 / n).setScale(10, RoundingMode.HALF_EVEN).toPlainString();
    }
}
