package io.sluice.ipvs;

import io.sluice.testsupport.PrivilegedTier;
import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.exec.CommandRunner;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.ipvs.ipset.ProcessIpset;
import io.sluice.ipvs.rules.IptablesJumps;
import io.sluice.ipvs.rules.ProcessIptablesRestore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.sluice.ipvs.Snap.ep;
import static io.sluice.ipvs.Snap.local;
import static io.sluice.ipvs.Snap.svc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code ipset} and {@code iptables-restore} accept what Sluice writes, {@code ipset save} reads back equal
 * to what was written (so a full resync of an unchanged state is a no-op), and cleanup removes only our objects.
 * Runs in a private network namespace; IPVS and kube-ipvs0 are fakes (this kernel has neither).
 */
class IpvsIpsetIptablesIT {
    private final String ns = "slip-ipvs-" + ProcessHandle.current().pid();
    private CommandRunner runner;

    @BeforeEach
    void setUp() {
        PrivilegedTier.require("ip", "ipset", "iptables-restore", "iptables", "iptables-save");
        assertThat(NetnsCommands.host("ip", "netns", "add", ns).ok()).isTrue();
        runner = NetnsCommands.inNetns(ns);
    }

    @AfterEach
    void tearDown() {
        if (runner != null) {
            NetnsCommands.host("ip", "netns", "del", ns);
        }
    }

    private String run(String... argv) {
        CommandRunner.CommandResult r = runner.run(List.of(argv), "", Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(String.join(" ", argv) + ": " + r.stderr()).isZero();
        return r.stdout();
    }

    private static ProxySnapshot snapshot(boolean withSecond) {
        Snap s = Snap.create()
                .add(svc("ns1", "lb").clusterIP("172.30.0.43").nodePort(3002).loadBalancer("1.2.3.4")
                        .sourceRanges("192.168.0.0/24", "203.0.113.7/32").etpLocal().healthCheckNodePort(30000),
                        local("10.180.0.4", 80), ep("10.180.0.5", 80))
                .add(svc("ns2", "ext", "dns", Protocol.UDP).clusterIP("172.30.0.44").port(53)
                        .externalIPs("192.168.99.11").nodePort(3003), ep("10.180.0.6", 53))
                .add(svc("ns3", "sctp", "s", Protocol.SCTP).clusterIP("172.30.0.45").nodePort(3004),
                        ep("10.180.0.7", 80));
        if (withSecond) {
            s.add(svc("ns4", "second").clusterIP("172.30.0.46"), ep("10.180.0.8", 80));
        }
        return s.build();
    }

    @Test
    void realToolsAcceptPayloadsRoundTripAndCleanUp() throws Exception {
        TestKernel fakes = new TestKernel();
        run("ipset", "create", "FOREIGN", "hash:ip");
        run("iptables", "-t", "nat", "-N", "FOREIGN-CHAIN");
        BackendContext ctx = new BackendContext(TestConfigs.with("rr", List.of(), List.of(), List.of("10.0.0.0/8"),
                false), fakes.metrics, KernelAssumptions.DUMP_DEFAULTS, fakes.clock, () -> { });
        IpvsBackend backend = new IpvsBackend(ctx, () -> new IpvsKernel(fakes.ipvs, fakes.link,
                new ProcessIpset(runner), new ProcessIptablesRestore(runner), new IptablesJumps(runner),
                fakes.sysctl, except -> new TreeSet<>(Set.of(Snap.NODE_IP))));

        backend.sync(SyncRequest.full(snapshot(true)));

        String sets = run("ipset", "save");
        assertThat(sets).contains("add KUBE-CLUSTER-IP 172.30.0.46,tcp:80")
                .contains("add KUBE-LOAD-BALANCER-SOURCE-CIDR 1.2.3.4,tcp:80,203.0.113.7")
                .contains("add KUBE-NODE-PORT-SCTP-HASH 192.168.0.2,sctp:3004")
                .contains("add KUBE-NODE-PORT-UDP 3003");
        String nat = run("iptables-save", "-t", "nat");
        assertThat(nat).contains("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES")
                // iptables-save prints the source match first.
                .contains("-A KUBE-SERVICES ! -s 10.0.0.0/8 -m comment --comment \"Kubernetes service cluster ip + port"
                        + " for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ");
        String filter = run("iptables-save", "-t", "filter");
        assertThat(filter).contains("-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS"
                + " dst -j REJECT");

        // A service goes away: its entries are deleted through the same restore.
        backend.sync(new SyncRequest(snapshot(false), Snap.changed(snapshot(true), snapshot(false)), false));
        assertThat(run("ipset", "save")).doesNotContain("172.30.0.46");

        // A full resync re-reads ipset save: nothing differs; only the link is ensured and the iptables restored again.
        int restores = fakes.metrics.errors.size();
        SyncResult again = backend.sync(SyncRequest.full(snapshot(false)));
        assertThat(again.fullSync()).isTrue();
        assertThat(again.bytesWritten()).isEqualTo(2);
        assertThat(fakes.metrics.errors).hasSize(restores);
        assertThat(backend.sync(new SyncRequest(snapshot(false), Set.of(), false)).bytesWritten()).isZero();

        backend.cleanup();
        assertThat(run("ipset", "list", "-n").strip()).isEqualTo("FOREIGN");
        String natAfter = run("iptables-save", "-t", "nat");
        assertThat(natAfter).contains(":FOREIGN-CHAIN").doesNotContain("KUBE-");
        assertThat(run("iptables-save", "-t", "filter")).doesNotContain("KUBE-");
    }

    @Test
    void dualStackRoundTrips() throws Exception {
        PrivilegedTier.require("ip6tables-restore", "ip6tables-save");
        TestKernel fakes = new TestKernel();
        BackendContext ctx = new BackendContext(TestConfigs.ipvs(), fakes.metrics, KernelAssumptions.DUMP_DEFAULTS,
                fakes.clock, () -> { });
        IpvsBackend backend = new IpvsBackend(ctx, () -> new IpvsKernel(fakes.ipvs, fakes.link,
                new ProcessIpset(runner), new ProcessIptablesRestore(runner), new IptablesJumps(runner),
                fakes.sysctl, except -> new TreeSet<>(Set.of(Snap.NODE_IP, "fd00:10::2"))));
        ProxySnapshot s = Snap.create().nodeAddresses(Snap.NODE_IP, "fd00:10::2")
                .add(svc("ns1", "dual").clusterIP("172.30.0.41", "fd00::41").nodePort(3001).loadBalancer("fd00:99::1")
                        .sourceRanges("fd00:10::/64"), local("fd00:180::1", 80), ep("10.180.0.1", 80))
                .add(svc("ns2", "sctp", "s", Protocol.SCTP).clusterIP("fd00::43").nodePort(3003),
                        ep("fd00:180::3", 80))
                .build();

        backend.sync(SyncRequest.full(s));

        assertThat(run("ipset", "save")).contains("add KUBE-6-CLUSTER-IP fd00::41,tcp:80")
                .contains("add KUBE-6-LOAD-BALANCER-SOURCE-CID fd00:99::1,tcp:80,fd00:10::/64")
                .contains("add KUBE-6-LOOP-BACK fd00:180::1,tcp:80,fd00:180::1")
                .contains("add KUBE-6-NODE-PORT-SCTP-HASH fd00:10::2,sctp:3003");
        assertThat(run("ip6tables-save", "-t", "nat")).contains("-A KUBE-SERVICES -s ::1/128 -j RETURN")
                .contains("KUBE-6-CLUSTER-IP");
        SyncResult again = backend.sync(SyncRequest.full(s));
        assertThat(again.bytesWritten()).as("the link ensured and the two iptables restores").isEqualTo(3);

        backend.cleanup();
        assertThat(run("ipset", "list", "-n")).doesNotContain("KUBE-");
        assertThat(run("ip6tables-save")).doesNotContain("KUBE-");
    }
}
