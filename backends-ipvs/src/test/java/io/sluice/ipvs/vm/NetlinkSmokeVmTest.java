package io.sluice.ipvs.vm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code io.sluice.ipvs.netlink.NetlinkSmoke} (the netlink layer's own end-to-end check: generic-netlink IPVS
 * and the rtnetlink kube-ipvs0 link) in a child JVM, since it ends with {@code System.exit}. The class path comes from
 * {@code SLUICE_VM_CLASSPATH}, which {@code scripts/vm/run-ipvs-tier.sh} exports (the console launcher's own
 * {@code java.class.path} is only its jar).
 */
class NetlinkSmokeVmTest {

    @BeforeAll
    static void inVm() {
        VmTier.require();
    }

    @Test
    void netlinkSmokePassesEveryStep() throws IOException, InterruptedException {
        String cp = System.getenv("SLUICE_VM_CLASSPATH");
        assertThat(cp).as("SLUICE_VM_CLASSPATH (exported by scripts/vm/run-ipvs-tier.sh)").isNotBlank();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp,
                "io.sluice.ipvs.netlink.NetlinkSmoke").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        System.out.print(out);
        assertThat(out).doesNotContain("FAIL ").contains("PASS ");
        assertThat(p.exitValue()).as("NetlinkSmoke exit code; output:%n%s", out).isZero();
    }
}
