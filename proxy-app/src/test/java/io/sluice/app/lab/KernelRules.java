package io.sluice.app.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the lab namespace's nat table with the iptables tools of one variant ({@code legacy} or {@code nft}), from
 * the namespace the lab process runs in. Read-only.
 */
public final class KernelRules {
    private final String variant;

    public KernelRules(String variant) {
        this.variant = variant;
    }

    public String variant() {
        return variant;
    }

    /** Makes the daemon pick this variant, as kubelet's hint chain does on a node. */
    public void markVariant() throws IOException, InterruptedException {
        run(List.of("iptables-" + variant, "-w", "-t", "mangle", "-N", "KUBE-IPTABLES-HINT"));
    }

    /** Whether the nat table has {@code chain}; retries while the xtables lock is busy (exit 4). */
    public boolean hasChain(String chain) throws IOException, InterruptedException {
        while (true) {
            int rc = run(List.of("iptables-" + variant, "-t", "nat", "-S", chain));
            if (rc == 0 || rc == 1) {
                return rc == 0;
            }
            Thread.sleep(20);
        }
    }

    /** Number of nat chains whose name starts with {@code prefix} ({@code iptables-save -t nat}, streamed). */
    public long countChains(String prefix) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("iptables-" + variant + "-save", "-t", "nat")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(":" + prefix)) {
                    n++;
                }
            }
        }
        p.waitFor();
        return n;
    }

    /**
     * A digest of the nat table's rules ({@code iptables-save -t nat}, streamed) with comments and chain counters
     * left out: equal digests mean nobody rewrote a rule.
     */
    public String natDigest() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("iptables-" + variant + "-save", "-t", "nat")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#")) {
                    continue;
                }
                md.update(line.replaceAll(" \\[\\d+:\\d+\\]$", "").getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
        }
        p.waitFor();
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    static int run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return 124;
        }
        return p.exitValue();
    }
}
