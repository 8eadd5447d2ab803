package io.sluice.ipvs;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.SyncException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The startup check kube-proxy does before it uses the IPVS proxier (CanUseIPVSProxier): kernel modules. */
class IpvsKernelModulesTest {
    @TempDir
    Path dir;
    private final RecordingCommandRunner runner = new RecordingCommandRunner();

    private IpvsKernelModules modules(String procModules, String builtin) throws Exception {
        Files.writeString(dir.resolve("modules"), procModules);
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib").resolve("modules.builtin"), builtin);
        return new IpvsKernelModules(dir.resolve("modules"), dir.resolve("lib"), runner);
    }

    @Test
    void loadedOrBuiltInModulesPass() throws Exception {
        IpvsKernelModules m = modules("ip_vs_rr 16384 1 - Live 0x0\nip_vs 184320 3 ip_vs_rr, Live 0x0\n",
                "kernel/net/netfilter/nf_conntrack.ko\n");
        assertThat(m.missing("rr")).isEmpty();
        assertThat(runner.calls).isEmpty();
    }

    @Test
    void missingModulesAreModprobedOnceThenReported() throws Exception {
        IpvsKernelModules m = modules("nf_conntrack 1 0 - Live 0x0\n", "");
        assertThat(m.missing("sh")).containsExactly("ip_vs", "ip_vs_sh");
        assertThat(runner.calls).containsExactly(List.of("modprobe", "--", "ip_vs"),
                List.of("modprobe", "--", "ip_vs_sh"));
    }

    @Test
    void backendCheckFailsWithOneClearErrorNamingTheModules() throws Exception {
        IpvsKernelModules m = modules("", "");
        IpvsBackend backend = new IpvsBackend(new BackendContext(TestConfigs.ipvs(), null,
                KernelAssumptions.DUMP_DEFAULTS, null, null), () -> {
                    throw new AssertionError("the kernel is not opened when modules are missing");
                }, m);
        assertThatThrownBy(backend::checkHost).isInstanceOf(SyncException.class)
                .hasMessage("IPVS mode cannot run on this host: kernel modules [ip_vs, ip_vs_rr, nf_conntrack] are"
                        + " neither loaded nor loadable (modprobe); load them or use mode iptables");
    }
}
