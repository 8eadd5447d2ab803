package io.sluice.ipvs.netlink;

import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.Protocol;
import io.sluice.ipvs.DummyLink;
import io.sluice.ipvs.RealServer;
import io.sluice.ipvs.VirtualServer;
import io.sluice.netlink.Errno;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * End-to-end check of the netlink layer against a real kernel with IPVS and dummy links (the VM tier runs it):
 * {@code java -cp <classpath> io.sluice.ipvs.netlink.NetlinkSmoke}. Prints one {@code PASS}/{@code FAIL} line per step
 * and exits 0 only when every step passed. It creates 10.250.0.1:80/TCP, [fd00:250::1]:80/TCP and the
 * {@code kube-ipvs0} link and removes them again, so run it only on a disposable machine or namespace.
 */
public final class NetlinkSmoke {
    static final VirtualServer VS = new VirtualServer("10.250.0.1", Protocol.TCP, 80, "rr", 0, 0);
    static final VirtualServer VS6 = new VirtualServer("fd00:250::1", Protocol.TCP, 80, "rr", 0, 0);
    static final RealServer RS1 = RealServer.of("10.250.1.1", 8080);
    static final RealServer RS2 = RealServer.of("10.250.1.2", 8080);
    static final RealServer RS6 = RealServer.of("fd00:250::1:1", 8080);

    static final int BULK = 1000;
    private static final CommandRunner RUNNER = new ProcessCommandRunner();

    private final PrintStream out;
    private int failures;

    NetlinkSmoke(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        NetlinkSmoke smoke = new NetlinkSmoke(System.out);
        smoke.run();
        System.out.println(smoke.failures == 0 ? "SMOKE OK" : "SMOKE FAILED: " + smoke.failures + " step(s)");
        System.exit(smoke.failures == 0 ? 0 : 1);
    }

    interface Step {
        String run() throws Exception;
    }

    private boolean step(String name, Step s) {
        try {
            String detail = s.run();
            out.println("PASS " + name + (detail == null || detail.isEmpty() ? "" : ": " + detail));
            return true;
        } catch (Exception | AssertionError e) {
            failures++;
            out.println("FAIL " + name + ": " + e);
            return false;
        }
    }

    /**
     * Cross-checks our encoding with an independent reader: {@code ipvsadm -S -n} must list every expected line (so
     * e.g. a port byte-swapped both ways would show up here). Skipped with a note when ipvsadm is not installed.
     */
    private static String ipvsadmShows(String... lines) {
        CommandRunner.CommandResult r = RUNNER.run(List.of("ipvsadm", "-S", "-n"));
        if (r.exitCode() == 127) {
            return "ipvsadm not installed, cross-check skipped";
        }
        check(r.ok(), "ipvsadm -S -n failed: " + r.stderr());
        List<String> got = r.stdout().lines().map(String::strip).toList();
        for (String line : lines) {
            check(got.contains(line), "ipvsadm -S -n lacks \"" + line + "\": " + got);
        }
        return lines.length + " line(s) match";
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static VirtualServer bulk(int i) {
        return new VirtualServer("10.251." + (i / 250) + "." + (i % 250 + 1), Protocol.TCP, 80, "rr", 0, 0);
    }

    /** Number of failed steps after {@link #run()}. */
    int failures() {
        return failures;
    }

    void run() {
        NetlinkIpvsClient[] holder = new NetlinkIpvsClient[1];
        if (!step("resolve generic netlink family IPVS", () -> {
            holder[0] = NetlinkIpvsClient.open(RUNNER);
            return "family id " + holder[0].familyId();
        })) {
            return;
        }
        try (NetlinkIpvsClient ipvs = holder[0]) {
            ipvsSteps(ipvs);
        }
        dummySteps();
    }

    private void ipvsSteps(NetlinkIpvsClient ipvs) {
        step("cleanup leftovers", () -> {
            int removed = 0;
            for (VirtualServer v : ipvs.virtualServers()) {
                if (v.key().equals(VS.key()) || v.key().equals(VS6.key()) || v.address().startsWith("10.251.")) {
                    ipvs.deleteVirtualServer(v.key());
                    removed++;
                }
            }
            return removed + " removed";
        });
        step("add virtual server " + VS, () -> {
            ipvs.addVirtualServer(VS);
            return "";
        });
        step("add real servers " + RS1 + ", " + RS2, () -> {
            ipvs.addRealServer(VS.key(), RS1);
            ipvs.addRealServer(VS.key(), RS2);
            return "";
        });
        step("dump virtual servers", () -> {
            List<VirtualServer> all = ipvs.virtualServers();
            check(all.contains(VS), "dump " + all + " lacks " + VS);
            check(ipvs.virtualServer(VS.key()).orElseThrow().equals(VS), "GET_SERVICE differs");
            return all.size() + " virtual server(s)";
        });
        step("dump real servers", () -> {
            List<RealServer> rs = ipvs.realServers(VS.key());
            check(rs.equals(List.of(RS1, RS2)), "got " + rs);
            return rs.toString();
        });
        step("ipvsadm sees the same virtual and real servers", () -> ipvsadmShows(
                "-A -t 10.250.0.1:80 -s rr",
                "-a -t 10.250.0.1:80 -r 10.250.1.1:8080 -m -w 1",
                "-a -t 10.250.0.1:80 -r 10.250.1.2:8080 -m -w 1"));
        step("duplicate add reports EEXIST", () -> {
            try {
                ipvs.addVirtualServer(VS);
            } catch (io.sluice.ipvs.IpvsException e) {
                check(e.errno() == Errno.EEXIST, "errno " + e.errno());
                return e.getMessage();
            }
            throw new AssertionError("second add succeeded");
        });
        step("update real server weight to 0", () -> {
            ipvs.updateRealServer(VS.key(), RS2.withWeight(0));
            List<RealServer> rs = ipvs.realServers(VS.key());
            check(rs.get(1).weight() == 0 && rs.get(0).weight() == 1, "got weights " + rs);
            return "";
        });
        step("update virtual server to persistent wrr", () -> {
            VirtualServer updated = new VirtualServer(VS.address(), VS.protocol(), VS.port(), "wrr",
                    VirtualServer.FLAG_PERSISTENT, 10800);
            ipvs.updateVirtualServer(updated);
            VirtualServer got = ipvs.virtualServer(VS.key()).orElseThrow();
            check(got.equals(updated), "got " + got);
            return got.scheduler() + " flags=" + got.flags() + " timeout=" + got.timeout();
        });
        step("stats", () -> "connections " + ipvs.stats(VS.key()).connections());
        step("set and read timeouts", () -> {
            IpvsTimeouts before = ipvs.timeouts();
            ipvs.setTimeouts(901, 121, 301);
            IpvsTimeouts after = ipvs.timeouts();
            ipvs.setTimeouts(before.tcp(), before.tcpFin(), before.udp());
            check(after.equals(new IpvsTimeouts(901, 121, 301)), "got " + after);
            return "restored " + before;
        });
        step("delete real servers and virtual server", () -> {
            ipvs.deleteRealServer(VS.key(), RS1);
            ipvs.deleteRealServer(VS.key(), RS2);
            check(ipvs.realServers(VS.key()).isEmpty(), "real servers left");
            ipvs.deleteVirtualServer(VS.key());
            check(ipvs.virtualServer(VS.key()).isEmpty(), "virtual server left");
            return "";
        });
        step("bulk: " + BULK + " virtual servers in one multi-datagram dump", () -> {
            for (int i = 0; i < BULK; i++) {
                ipvs.addVirtualServer(bulk(i));
            }
            List<VirtualServer> all = ipvs.virtualServers();
            for (int i = 0; i < BULK; i++) {
                ipvs.deleteVirtualServer(bulk(i).key());
            }
            long found = all.stream().filter(v -> v.address().startsWith("10.251.")).count();
            check(found == BULK, "dump returned " + found + " of " + BULK);
            check(ipvs.virtualServers().stream().noneMatch(v -> v.address().startsWith("10.251.")), "left over");
            return found + " listed and deleted";
        });
        step("IPv6 virtual server " + VS6, () -> {
            ipvs.addVirtualServer(VS6);
            ipvs.addRealServer(VS6.key(), RS6);
            check(ipvs.virtualServers().contains(VS6), "dump lacks " + VS6);
            List<RealServer> rs = ipvs.realServers(VS6.key());
            check(rs.equals(List.of(RS6)), "got " + rs);
            ipvsadmShows("-A -t [fd00:250::1]:80 -s rr", "-a -t [fd00:250::1]:80 -r [fd00:250::1:1]:8080 -m -w 1");
            ipvs.deleteVirtualServer(VS6.key());
            check(!ipvs.virtualServers().contains(VS6), "still there");
            return "";
        });
    }

    private void dummySteps() {
        RtnetlinkDummyLink[] holder = new RtnetlinkDummyLink[1];
        if (!step("open rtnetlink", () -> {
            holder[0] = RtnetlinkDummyLink.open();
            return "";
        })) {
            return;
        }
        try (RtnetlinkDummyLink link = holder[0]) {
            step("create " + DummyLink.NAME, () -> {
                link.ensureExists();
                link.ensureExists();
                var info = link.link().orElseThrow();
                check(info.kind().equals("dummy"), "kind " + info.kind());
                return "ifindex " + info.index();
            });
            step("bind 10.250.0.1 and fd00:250::1", () -> {
                link.bind("10.250.0.1");
                link.bind("10.250.0.1");
                link.bind("fd00:250::1");
                Set<String> a = link.addresses();
                check(a.contains("10.250.0.1") && a.contains("fd00:250::1"), "got " + a);
                CommandRunner.CommandResult ip = RUNNER.run(List.of("ip", "-o", "addr", "show", "dev", DummyLink.NAME));
                check(ip.stdout().contains("inet 10.250.0.1/32") && ip.stdout().contains("inet6 fd00:250::1/128"),
                        "ip addr shows " + ip.stdout() + ip.stderr());
                return a.toString();
            });
            step("unbind", () -> {
                link.unbind("10.250.0.1");
                link.unbind("10.250.0.1");
                link.unbind("fd00:250::1");
                Set<String> a = link.addresses();
                check(!a.contains("10.250.0.1") && !a.contains("fd00:250::1"), "got " + a);
                return a.toString();
            });
            step("delete " + DummyLink.NAME, () -> {
                link.delete();
                link.delete();
                check(link.link().isEmpty(), "link still there");
                return "";
            });
        }
    }
}
