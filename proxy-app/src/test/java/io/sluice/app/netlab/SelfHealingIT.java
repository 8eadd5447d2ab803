package io.sluice.app.netlab;

import io.sluice.testsupport.PrivilegedTier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Self-healing on the real kernel: a long-running {@code sluice run --objects} (syncPeriod 2 s, the default
 * {@code WHEN_CHANGED} partial syncs) in the lab's node namespace, and someone else removing what it wrote. Each time
 * the nat table must come back exactly as Sluice left it (same chains, same rules) on a following periodic sync, and
 * {@code sluice_repairs_total} counts the repair. Waits use generous timeouts, never wall-clock budgets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelfHealingIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "cluster.yaml").toAbsolutePath();
    private static final Duration GENEROUS = Duration.ofMinutes(2);
    private static final Pattern REPAIRS = Pattern.compile(
            "^sluice_repairs_total\\{backend=\"iptables\",what=\"(\\w+)\"} (\\S+)$", Pattern.MULTILINE);

    private NetLab lab;
    private Process daemon;
    private Path log;
    private String steadyNat;

    @BeforeAll
    void startSluice(@TempDir Path dir) throws Exception {
        PrivilegedTier.require("ip", "iptables", "iptables-save", "curl");
        lab = NetLab.create("slheal");
        Path config = SluiceCli.config(dir, """
                iptables:
                  syncPeriod: 2s
                  minSyncPeriod: 0s
                """);
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.node()));
        argv.addAll(SluiceCli.argv("run", "--objects", EXAMPLE.toString(), "--config", config.toString(),
                "--metrics-bind-address", "127.0.0.1:10249", "--healthz-bind-address", "127.0.0.1:10256"));
        log = dir.resolve("run.log");
        daemon = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(GENEROUS).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(value(metrics(), "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv4\"}"))
                        .as(Files.readString(log)).isPositive());
        steadyNat = natRules();
        assertThat(steadyNat).contains("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.destroy();
                assertThat(daemon.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(Files.readString(log)).doesNotContain("fatal error");
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    @Order(1)
    void periodicSyncsWithoutDriftRepairNothing() throws Exception {
        double syncsBefore = value(metrics(), "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}");
        await().atMost(GENEROUS).until(() -> value(metrics(),
                "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}") >= syncsBefore + 3);
        assertThat(repairs()).as("three periodic syncs, nothing removed").isEmpty();
        assertThat(natRules()).isEqualTo(steadyNat);
    }

    @Test
    @Order(2)
    void aFlushedAndDeletedNatTableIsRepaired() throws Exception {
        lab.inNode("iptables", "-t", "nat", "-F");
        lab.inNode("iptables", "-t", "nat", "-X");
        assertThat(natRules()).doesNotContain("KUBE-");
        awaitRepairedWith("chain");
    }

    @Test
    @Order(3)
    void aDeletedServiceChainIsRepaired() throws Exception {
        List<String> lines = natRules().lines().toList();
        String chain = onlyReferencedFromKubeServices(lines);
        int ruleNumber = 0;
        for (String l : lines) {
            if (l.startsWith("-A KUBE-SERVICES ")) {
                ruleNumber++;
                if (l.endsWith("-j " + chain)) {
                    break;
                }
            }
        }
        lab.inNode("iptables", "-t", "nat", "-D", "KUBE-SERVICES", String.valueOf(ruleNumber));
        lab.inNode("iptables", "-t", "nat", "-F", chain);
        lab.inNode("iptables", "-t", "nat", "-X", chain);
        assertThat(natRules()).doesNotContain(":" + chain + " ");
        awaitRepairedWith("chain");
    }

    @Test
    @Order(4)
    void aDeletedJumpFromPreroutingIsRepaired() throws Exception {
        lab.inNode("iptables", "-t", "nat", "-D", "PREROUTING", "-m", "comment", "--comment",
                "kubernetes service portals", "-j", "KUBE-SERVICES");
        assertThat(natRules()).doesNotContain("-A PREROUTING -m comment");
        awaitRepairedWith("jump");
    }

    private void awaitRepairedWith(String what) throws Exception {
        double before = repairs().stream().filter(r -> r.startsWith(what + "=")).mapToDouble(
                r -> Double.parseDouble(r.substring(r.indexOf('=') + 1))).sum();
        await().atMost(GENEROUS).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(natRules()).as("the nat table as Sluice left it").isEqualTo(steadyNat);
            assertThat(repairs()).as("counted").anyMatch(r -> r.startsWith(what + "=")
                    && Double.parseDouble(r.substring(r.indexOf('=') + 1)) > before);
        });
        assertThat(daemon.isAlive()).isTrue();
    }

    /** A KUBE-SVC chain whose only referrer is one KUBE-SERVICES rule (a plain ClusterIP service). */
    private static String onlyReferencedFromKubeServices(List<String> lines) {
        Set<String> candidates = new TreeSet<>();
        for (String l : lines) {
            if (l.startsWith("-A KUBE-SERVICES ") && l.matches(".* -j KUBE-SVC-\\w+$")) {
                candidates.add(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        for (String c : candidates) {
            long refs = lines.stream().filter(l -> l.startsWith("-A ") && l.endsWith("-j " + c)).count();
            if (refs == 1) {
                return c;
            }
        }
        throw new AssertionError("no service chain referenced only from KUBE-SERVICES in\n" + String.join("\n", lines));
    }

    /** The nat table's chains and rules without counters or comments lines (comparable across syncs). */
    private String natRules() {
        StringBuilder sb = new StringBuilder();
        for (String l : lab.inNode("iptables-save", "-t", "nat").split("\n")) {
            if (l.startsWith("#")) {
                continue;
            }
            sb.append(l.startsWith(":") ? l.replaceAll(" \\[\\d+:\\d+]$", "") : l).append('\n');
        }
        return sb.toString();
    }

    private String metrics() {
        return lab.tryIn(lab.node(), Duration.ofSeconds(10), "curl", "-s", "--max-time", "5",
                "http://127.0.0.1:10249/metrics").output();
    }

    /** "what=value" of every sluice_repairs_total series of the iptables backend. */
    private List<String> repairs() {
        List<String> out = new ArrayList<>();
        Matcher m = REPAIRS.matcher(metrics());
        while (m.find()) {
            out.add(m.group(1) + "=" + m.group(2));
        }
        return out;
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
