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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sluice.app.netlab.ClusterObjects.ep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube-proxy's nfacct counters on a real kernel. kube-proxy ensures {@code ct_state_invalid_dropped_pkts} and
 * {@code localhost_nps_accepted_pkts} on every full sync (netlink nfacct: Get, then Add, EBUSY meaning "already
 * exists"); a counter it cannot create makes the {@code -m nfacct --nfacct-name} match be left out. nfacct objects
 * live per network namespace, so everything here happens in the lab's node namespace, and {@code sluice run --once}
 * gets no {@code --assume-*}: the backend probes nfacct itself. The node is dual-stack: both families' proxiers use
 * the same, namespace-wide counters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NfacctIT {
    private static final String INVALID = "ct_state_invalid_dropped_pkts";
    private static final String LOCALHOST = "localhost_nps_accepted_pkts";
    /** iptables-save prints the name after two spaces ("--nfacct-name  NAME"), so match any whitespace. */
    private static final String MATCH = "-m nfacct --nfacct-name\\s+";
    private NetLab lab;
    private Path objects;
    private Path config;

    @BeforeAll
    void buildNodeAndRunSluiceOnce(@TempDir Path dir) throws Exception {
        PrivilegedTier.require("ip", "iptables", "iptables-save", "ip6tables", "ip6tables-save", "nfacct");
        lab = NetLab.createDualStack("sl6n");
        String a = lab.addPod("pod-a", 41, 8080);
        objects = ClusterObjects.withNodeIps(NetLab.NODE_IP, NetLab.NODE_IP6)
                .service("t", "np", "10.96.7.1", "[{\"name\":\"p\",\"port\":80,\"protocol\":\"TCP\",\"nodePort\":30090}]",
                        "\"type\":\"NodePort\"", "")
                .slice("t", "np", "TCP", 8080, ep(a, "node-a"))
                .write(dir.resolve("objects.json"));
        config = SluiceCli.config(dir, "10.244.0.0/16,fd00:10:244::/48", "");
        assertThat(lab.inNode("nfacct", "list")).as("a fresh namespace has no nfacct counters").isBlank();

        syncOnce();
    }

    private void syncOnce() {
        SluiceCli.syncOnce(lab, objects, config);
    }

    @AfterAll
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void bothCountersExistInTheNodeNamespace() {
        String list = lab.inNode("nfacct", "list");

        assertThat(list).contains("= " + INVALID + ";").contains("= " + LOCALHOST + ";");
    }

    @Test
    @Order(1)
    void theIpv4PayloadCountsInvalidDropsAndLocalhostNodePorts() {
        String save = lab.inNode("iptables-save");

        assertThat(save).as("iptables-save:%n%s", save)
                .containsPattern("-A KUBE-FORWARD -m conntrack --ctstate INVALID " + MATCH + INVALID + " -j DROP")
                .containsPattern("-A KUBE-NODEPORTS .*-d 127\\.0\\.0\\.0/8 .*--dport 30090 " + MATCH + LOCALHOST
                        + " -j KUBE-EXT-");
    }

    @Test
    @Order(1)
    void theIpv6PayloadCountsInvalidDropsWithTheSameCounter() {
        // kube-proxy's IPv6 proxier ensures the same counters (they already exist: EBUSY = "already exists") and
        // uses the match; localhost node ports are IPv4-only, so there is no 127.0.0.0/8 rule here.
        String save = lab.inNode("ip6tables-save");

        assertThat(save).as("ip6tables-save:%n%s", save)
                .containsPattern("-A KUBE-FORWARD -m conntrack --ctstate INVALID " + MATCH + INVALID + " -j DROP")
                .doesNotContain(LOCALHOST);
    }

    @Test
    @Order(2)
    void aLocalhostNodePortConnectionIncrementsItsCounter() {
        long before = packets(LOCALHOST);

        List<String> replies = lab.connect("node", "127.0.0.1", 30090, 3, false, 2.0);

        assertThat(replies).as("localhost node port (route_localnet)").containsOnly("OK pod-a " + NetLab.POD_GATEWAY);
        // The rule lives in nat KUBE-NODEPORTS, which sees only the first packet of each connection.
        assertThat(packets(LOCALHOST)).as("nfacct get %s", LOCALHOST).isEqualTo(before + 3);
    }

    @Test
    @Order(3)
    void aRestartedSluiceFindsTheExistingCountersAndKeepsTheMatches() {
        // A DaemonSet pod restart: the counters exist already, so "nfacct add" answers EBUSY. kube-proxy counts that
        // as "exists"; the matches must stay.
        syncOnce();

        String v4 = lab.inNode("iptables-save");
        assertThat(v4).as("iptables-save after the second run:%n%s", v4)
                .containsPattern("--ctstate INVALID " + MATCH + INVALID + " -j DROP")
                .containsPattern("--dport 30090 " + MATCH + LOCALHOST + " -j KUBE-EXT-");
        String v6 = lab.inNode("ip6tables-save");
        assertThat(v6).as("ip6tables-save after the second run:%n%s", v6)
                .containsPattern("--ctstate INVALID " + MATCH + INVALID + " -j DROP");
    }

    /**
     * A node without nfacct (no tool here; no kernel module elsewhere): kube-proxy marks a counter it cannot create
     * unavailable and leaves its {@code -m nfacct} match out, and the sync succeeds. The localhost node port still
     * works through the plain {@code --dport} rule; only its counting twin is gone.
     */
    @Test
    @Order(4)
    void withoutNfacctTheMatchesAreLeftOutAndTheSyncStillSucceeds(@TempDir Path bin) throws Exception {
        NetLab.Result cleanup = SluiceCli.run(lab, lab.node(), "cleanup", "--backend", "iptables");
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        // Unreferenced now; a node without nfacct support has no counters either.
        lab.inNode("nfacct", "del", INVALID);
        lab.inNode("nfacct", "del", LOCALHOST);

        List<String> argv = new ArrayList<>(List.of("env", "PATH=" + pathWithout("nfacct", bin)));
        argv.addAll(SluiceCli.argv("run", "--once", "--objects", objects.toString(), "--config", config.toString()));
        NetLab.Result run = lab.tryIn(lab.node(), Duration.ofMinutes(2), argv.toArray(String[]::new));
        assertThat(run.exitCode()).as("sluice run --once without nfacct:%n%s", run.output()).isZero();

        String v4 = lab.inNode("iptables-save");
        assertThat(v4).as("iptables-save:%n%s", v4)
                .contains("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP")
                .doesNotContain("nfacct").doesNotContainPattern("-d 127\\.0\\.0\\.0/8 .*--dport 30090");
        String v6 = lab.inNode("ip6tables-save");
        assertThat(v6).as("ip6tables-save:%n%s", v6)
                .contains("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP").doesNotContain("nfacct");
        assertThat(lab.inNode("nfacct", "list")).isBlank();
        assertThat(lab.connect("node", "127.0.0.1", 30090, 2, false, 2.0)).containsOnly("OK pod-a " + NetLab.POD_GATEWAY);
    }

    /** A directory of links to every program of the usual bin directories except {@code tool}; returns it. */
    private static Path pathWithout(String tool, Path dir) throws IOException {
        for (String d : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path src = Path.of(d);
            if (!Files.isDirectory(src)) {
                continue;
            }
            try (var files = Files.list(src)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path link = dir.resolve(f.getFileName().toString());
                    if (!f.getFileName().toString().equals(tool) && !Files.exists(link,
                            LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, f);
                    }
                }
            }
        }
        return dir;
    }

    /** The packet count of a counter, from {@code nfacct get NAME}: "{ pkts = 000…3, bytes = … } = NAME;". */
    private long packets(String counter) {
        String out = lab.inNode("nfacct", "get", counter);
        Matcher m = Pattern.compile("pkts = (\\d+)").matcher(out);
        assertThat(m.find()).as("nfacct get %s: %s", counter, out).isTrue();
        return Long.parseLong(m.group(1));
    }
}
