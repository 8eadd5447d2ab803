package io.sluice.ipvs;

import io.sluice.core.exec.CommandRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The kernel modules IPVS mode needs, checked once at startup as kube-proxy does before it picks the IPVS proxier
 * (pkg/proxy/ipvs/proxier.go {@code CanUseIPVSProxier}; older releases listed them as {@code ipvsModules}):
 * {@code ip_vs}, the scheduler's {@code ip_vs_<scheduler>} and {@code nf_conntrack}. A module counts when it is
 * loaded ({@code /proc/modules}) or built in ({@code /lib/modules/<release>/modules.builtin}); a missing one is loaded
 * with {@code modprobe} (argv, no shell) once, as kube-proxy's DaemonSet (with {@code /lib/modules} mounted) allows.
 */
public final class IpvsKernelModules {
    private final Path procModules;
    private final Path modulesDir;
    private final CommandRunner runner;

    /**
     * @param procModules {@code /proc/modules}
     * @param modulesDir  {@code /lib/modules/<release>} (for {@code modules.builtin})
     */
    public IpvsKernelModules(Path procModules, Path modulesDir, CommandRunner runner) {
        this.procModules = procModules;
        this.modulesDir = modulesDir;
        this.runner = runner;
    }

    /** The modules the configured scheduler needs, in check order. */
    public static List<String> required(String scheduler) {
        String s = scheduler == null || scheduler.isEmpty() ? "rr" : scheduler;
        return List.of("ip_vs", "ip_vs_" + s.replaceAll("[^a-z]", ""), "nf_conntrack");
    }

    /** The required modules still missing after one {@code modprobe} each; empty means IPVS mode can run. */
    public List<String> missing(String scheduler) {
        List<String> missing = absent(required(scheduler));
        for (String m : missing) {
            runner.run(List.of("modprobe", "--", m), "", Duration.ofSeconds(30));
        }
        return missing.isEmpty() ? missing : absent(missing);
    }

    private List<String> absent(List<String> wanted) {
        Set<String> present = new HashSet<>();
        try {
            for (String line : Files.readAllLines(procModules)) {
                int sp = line.indexOf(' ');
                present.add(sp < 0 ? line : line.substring(0, sp));
            }
        } catch (IOException e) {
            // no /proc/modules (e.g. a kernel without module support): only built-ins count
        }
        try {
            for (String line : Files.readAllLines(modulesDir.resolve("modules.builtin"))) {
                String name = line.substring(line.lastIndexOf('/') + 1).replace(".ko", "").replace('-', '_');
                present.add(name);
            }
        } catch (IOException e) {
            // not mounted: only loaded modules count
        }
        List<String> out = new ArrayList<>();
        for (String m : wanted) {
            if (!present.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }
}
