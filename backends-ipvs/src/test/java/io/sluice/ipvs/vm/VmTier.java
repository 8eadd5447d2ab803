package io.sluice.ipvs.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The guard of the VM tier. {@code *VmTest} classes program IPVS, dummy links, ipsets and iptables in the root network
 * namespace, which inside the VM is the disposable "node". They are excluded from surefire and failsafe and run only
 * inside the guest that {@code scripts/vm-test.sh --ipvs-tier} boots, which exports {@code SLUICE_VM=1}. Anywhere
 * else they FAIL (never skip) with a message saying how to run them, so a mistaken run cannot touch a real host.
 */
final class VmTier {
    /** Name prefix of every namespace and link the VM tests create. */
    static final String PREFIX = "slvm";

    private static boolean modulesLoaded;

    private VmTier() {
    }

    /** Fails unless running inside the Sluice test VM; loads the IPVS, scheduler and dummy modules once. */
    static synchronized void require() {
        if (!"1".equals(System.getenv("SLUICE_VM"))) {
            fail("VM-tier test: runs only inside the Sluice test VM (it reprograms the root network namespace). "
                    + "Run: scripts/vm-test.sh --ipvs-tier");
        }
        if (!modulesLoaded) {
            Sh.run("modprobe", "-a", "ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_sh", "ip_vs_mh", "dummy", "veth",
                    "bridge");
            modulesLoaded = true;
        }
    }

    /** Writes a /proc/sys value of the VM (the node). */
    static void sysctl(String name, String value) {
        try {
            Files.writeString(Path.of("/proc/sys", name.replace('.', '/')), value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("sysctl " + name + "=" + value + ": " + e.getMessage(), e);
        }
    }
}
