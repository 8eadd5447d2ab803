package io.sluice.ipvs.netlink;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VM tier ({@code scripts/vm-test.sh --ipvs-tier}, which exports SLUICE_VM=1): runs {@link NetlinkSmoke} against the
 * guest kernel's IPVS and dummy links, cross-checked with ipvsadm and ip. It programs the root namespace, so outside
 * the VM it does not run (VM-tier classes are excluded from surefire/failsafe; a stray run is aborted loudly here).
 */
class NetlinkSmokeVmTest {

    @Test
    void everySmokeStepPassesAgainstTheRealKernel() {
        Assumptions.assumeTrue("1".equals(System.getenv("SLUICE_VM")),
                "VM-TIER TEST NOT RUN: it reprograms the root network namespace; run scripts/vm-test.sh --ipvs-tier");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        NetlinkSmoke smoke = new NetlinkSmoke(new PrintStream(buf, true, StandardCharsets.UTF_8));

        smoke.run();

        String report = buf.toString(StandardCharsets.UTF_8);
        System.out.print(report);
        assertThat(report).doesNotContain("FAIL ").contains("PASS delete kube-ipvs0");
        assertThat(smoke.failures()).isZero();
    }
}
