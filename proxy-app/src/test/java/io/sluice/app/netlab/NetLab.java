package io.sluice.app.netlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A small cluster node built from network namespaces, for packet-flow tests.
 *
 * <pre>
 *   client  192.168.50.2 ──veth── 192.168.50.1  ┐
 *   client2 192.168.51.2 ──veth── 192.168.51.1  ├─ node (Sluice programs iptables here; node IP 192.168.50.1)
 *   podN    10.244.1.N/32 ─veth── 10.244.1.1/32 ┘   each pod has its own /32 route, Calico style
 * </pre>
 *
 * Every packet between pods, clients and services crosses the node's IP stack (no bridge), so netfilter sees both
 * directions without br_netfilter. A lab made by {@link #createDualStack} has IPv6 as well, laid out the same way:
 * <pre>
 *   client  fd00:192:168:50::2/64 ── fd00:192:168:50::1/64  ┐
 *   client2 fd00:192:168:51::2/64 ── fd00:192:168:51::1/64  ├─ node (IPv6 forwarding; node IP fd00:192:168:50::1)
 *   podN    fd00:10:244:1::N/128 ─── fd00:10:244:1::1/128   ┘   (N as for IPv4, written in hex notation)
 * </pre> Pods run {@code probe.py serve}, which answers with the pod name and the client
 * address it saw. All namespaces carry the given prefix and are deleted by {@link #close()}.
 */
public final class NetLab implements AutoCloseable {
    public static final String NODE_IP = "192.168.50.1";
    public static final String CLIENT_IP = "192.168.50.2";
    public static final String CLIENT2_IP = "192.168.51.2";
    public static final String POD_GATEWAY = "10.244.1.1";
    public static final String NODE_IP6 = "fd00:192:168:50::1";
    public static final String CLIENT_IP6 = "fd00:192:168:50::2";
    public static final String CLIENT2_IP6 = "fd00:192:168:51::2";
    public static final String POD_GATEWAY6 = "fd00:10:244:1::1";
    private static final String POD_PREFIX6 = "fd00:10:244:1::";

    private final String prefix;
    private final Path probe;
    private final List<Process> servers = new ArrayList<>();
    private final Map<String, String> podIps = new LinkedHashMap<>();
    private final Map<String, String> podIps6 = new LinkedHashMap<>();
    private boolean dualStack;

    private NetLab(String prefix, Path probe) {
        this.prefix = prefix;
        this.probe = probe;
    }

    /** Builds node, client and client2 namespaces. Removes leftovers of an earlier run with the same prefix first. */
    public static NetLab create(String prefix) throws IOException {
        Path probe = Files.createTempFile("sluice-probe", ".py");
        try (var in = NetLab.class.getResourceAsStream("/netlab/probe.py")) {
            Files.write(probe, in.readAllBytes());
        }
        NetLab lab = new NetLab(prefix, probe);
        lab.deleteNamespaces();
        lab.sh("ip", "netns", "add", lab.node());
        lab.inNode("ip", "link", "set", "lo", "up");
        lab.inNode("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // The lab's default route leads back out of the client link. The node would then send ICMP redirects, and
        // the kernel's per-host ICMP rate limit (icmp_ratemask) swallows the port-unreachable that kube-proxy's
        // REJECT rule sends right after: a refused connection would look like a timeout. Real nodes don't route
        // service traffic back where it came from, so switch redirects off (default first, for interfaces to come).
        lab.inNode("sysctl", "-q", "-w", "net.ipv4.conf.default.send_redirects=0");
        lab.inNode("sysctl", "-q", "-w", "net.ipv4.conf.all.send_redirects=0");
        lab.addClient(lab.ns("client"), "vcl1", NODE_IP, CLIENT_IP);
        lab.addClient(lab.ns("client2"), "vcl2", "192.168.51.1", CLIENT2_IP);
        // Real nodes have a default route; without one, traffic to an unprogrammed VIP fails routing (ENETUNREACH)
        // before netfilter's FORWARD hook, where kube-proxy's REJECT rules live.
        lab.inNode("ip", "route", "add", "default", "via", CLIENT_IP);
        return lab;
    }

    /**
     * Like {@link #create} plus IPv6 on the node, both clients and every pod added later ({@link #addPod} then also
     * gives the pod {@code fd00:10:244:1::N/128}; see {@link #podIp6}). Addresses are added {@code nodad}: duplicate
     * address detection would keep them "tentative" for a second or two and the first connections would fail.
     */
    public static NetLab createDualStack(String prefix) throws IOException {
        NetLab lab = create(prefix);
        lab.dualStack = true;
        lab.inNode("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        // IPv6 has no send_redirects switch: ip6_forward() sends a redirect whenever a packet leaves by the interface
        // it came in on (here: traffic to an unprogrammed VIP, routed back out of the client link). The redirect
        // spends the client's inet_peer rate-limit token, and icmpv6_xrlim_allow() then swallows the port-unreachable
        // of kube-proxy's REJECT rule: a refused connection would look like a timeout. ratelimit=0 (per namespace)
        // lifts the per-host ICMPv6 limit, as send_redirects=0 avoids it for IPv4 in create().
        lab.inNode("sysctl", "-q", "-w", "net.ipv6.icmp.ratelimit=0");
        lab.addClient6(lab.ns("client"), "vcl1", NODE_IP6, CLIENT_IP6);
        lab.addClient6(lab.ns("client2"), "vcl2", "fd00:192:168:51::1", CLIENT2_IP6);
        // As for IPv4: without a default route, traffic to an unprogrammed VIP fails routing before FORWARD.
        lab.inNode("ip", "-6", "route", "add", "default", "via", CLIENT_IP6);
        return lab;
    }

    private void addClient6(String ns, String nodeIf, String nodeAddr, String clientAddr) {
        inNode("ip", "-6", "addr", "add", nodeAddr + "/64", "dev", nodeIf, "nodad");
        in(ns, "ip", "-6", "addr", "add", clientAddr + "/64", "dev", "eth0", "nodad");
        in(ns, "ip", "-6", "route", "add", "default", "via", nodeAddr);
    }

    private void addClient(String ns, String nodeIf, String nodeAddr, String clientAddr) {
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", nodeIf, "netns", node(), "type", "veth", "peer", "name", "eth0", "netns", ns);
        inNode("ip", "addr", "add", nodeAddr + "/24", "dev", nodeIf);
        inNode("ip", "link", "set", nodeIf, "up");
        in(ns, "ip", "link", "set", "lo", "up");
        in(ns, "ip", "addr", "add", clientAddr + "/24", "dev", "eth0");
        in(ns, "ip", "link", "set", "eth0", "up");
        in(ns, "ip", "route", "add", "default", "via", nodeAddr);
    }

    /**
     * Adds a pod namespace at 10.244.1.{index} (and fd00:10:244:1::{index} in a dual-stack lab) serving on the given
     * ports; returns its IPv4 address.
     */
    public String addPod(String name, int index, int... ports) throws IOException {
        String ns = ns(name);
        String ip = "10.244.1." + index;
        String nodeIf = "vp" + index;
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", nodeIf, "netns", node(), "type", "veth", "peer", "name", "eth0", "netns", ns);
        inNode("ip", "addr", "add", POD_GATEWAY + "/32", "dev", nodeIf);
        inNode("ip", "link", "set", nodeIf, "up");
        inNode("ip", "route", "add", ip + "/32", "dev", nodeIf);
        in(ns, "ip", "link", "set", "lo", "up");
        in(ns, "ip", "addr", "add", ip + "/32", "dev", "eth0");
        in(ns, "ip", "link", "set", "eth0", "up");
        in(ns, "ip", "route", "add", POD_GATEWAY, "dev", "eth0");
        in(ns, "ip", "route", "add", "default", "via", POD_GATEWAY);
        if (dualStack) {
            String ip6 = POD_PREFIX6 + index;
            inNode("ip", "-6", "addr", "add", POD_GATEWAY6 + "/128", "dev", nodeIf, "nodad");
            inNode("ip", "-6", "route", "add", ip6 + "/128", "dev", nodeIf);
            in(ns, "ip", "-6", "addr", "add", ip6 + "/128", "dev", "eth0", "nodad");
            in(ns, "ip", "-6", "route", "add", POD_GATEWAY6, "dev", "eth0");
            in(ns, "ip", "-6", "route", "add", "default", "via", POD_GATEWAY6);
            podIps6.put(name, ip6);
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "/usr/bin/python3", probe.toString(),
                "serve", name));
        for (int p : ports) {
            cmd.add(Integer.toString(p));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        servers.add(p);
        String ready = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (ready == null || !ready.startsWith("SERVING")) {
            throw new IOException("server in " + ns + " did not start: " + ready);
        }
        podIps.put(name, ip);
        return ip;
    }

    /**
     * Gives pod {@code name} the extra address {@code address} (on its loopback) and routes it from the node to that
     * pod. Traffic to the address that the node neither rewrites nor stops is then answered by the pod, so a test can
     * tell "dropped or rejected by the proxy's rules" apart from "not handled" (which would otherwise also time out
     * or be refused somewhere else).
     */
    public void routeToPod(String name, String address) {
        boolean v6 = address.contains(":");
        String family = v6 ? "-6" : "-4";
        in(ns(name), "ip", family, "addr", "add", address + (v6 ? "/128" : "/32"), "dev", "lo");
        if (v6) {
            // Neighbour discovery only answers for addresses of the asking link: route via the pod's own address.
            inNode("ip", "-6", "route", "add", address + "/128", "via", podIp6(name), "dev", "vp" + podIndex(name));
        } else {
            // ARP answers for any local address (arp_ignore=0), so the link alone will do.
            inNode("ip", "-4", "route", "add", address + "/32", "dev", "vp" + podIndex(name));
        }
    }

    private int podIndex(String name) {
        String ip = podIps.get(name);
        if (ip == null) {
            throw new IllegalArgumentException("no pod " + name);
        }
        return Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
    }

    /** The IPv6 address of a pod of a {@link #createDualStack dual-stack} lab. */
    public String podIp6(String name) {
        String ip = podIps6.get(name);
        if (ip == null) {
            throw new IllegalArgumentException("no IPv6 pod " + name + " (dual-stack lab?)");
        }
        return ip;
    }

    /** Full namespace name of a lab member ("node", "client", a pod name). */
    public String ns(String member) {
        return prefix + "-" + member;
    }

    public String node() {
        return ns("node");
    }

    /** {@code count} sequential connections from namespace {@code from}; one result line per attempt. */
    public List<String> connect(String from, String host, int port, int count, boolean udp, double timeoutSeconds) {
        return Arrays.asList(in(ns(from), "/usr/bin/python3", probe.toString(), "connect", host,
                Integer.toString(port), Integer.toString(count), udp ? "udp" : "tcp",
                Double.toString(timeoutSeconds)).strip().split("\n"));
    }

    /**
     * {@code count} UDP datagrams from namespace {@code from}, all from source port {@code srcPort}: they share one
     * conntrack entry, as a long-lived UDP client's do. One result line per attempt, as {@link #connect}.
     */
    public List<String> udpFrom(String from, int srcPort, String host, int port, int count, double timeoutSeconds) {
        return Arrays.asList(in(ns(from), "/usr/bin/python3", probe.toString(), "udp-from", Integer.toString(srcPort),
                host, Integer.toString(port), Integer.toString(count), Double.toString(timeoutSeconds))
                .strip().split("\n"));
    }

    /** Starts a long-lived connection from {@code from}; read its lines with {@link Held#awaitReady()}/{@link Held#result()}. */
    public Held hold(String from, String host, int port, double seconds) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns(from), "/usr/bin/python3", probe.toString(), "hold",
                host, Integer.toString(port), Double.toString(seconds)).redirectErrorStream(true).start();
        return new Held(p);
    }

    /** A running {@code probe.py hold}. */
    public static final class Held {
        private final Process process;
        private final BufferedReader out;

        Held(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** The backend name once connected, or the failure line. */
        public String awaitReady() throws IOException {
            return out.readLine();
        }

        public String result() throws IOException, InterruptedException {
            String line = out.readLine();
            process.waitFor(30, TimeUnit.SECONDS);
            return line;
        }
    }

    /** Runs a command in the node namespace and returns stdout; fails on a non-zero exit. */
    public String inNode(String... cmd) {
        return in(node(), cmd);
    }

    public String in(String ns, String... cmd) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(Arrays.asList(cmd));
        return sh(argv.toArray(String[]::new));
    }

    /** Like {@link #in} but returns the exit code and output instead of failing. */
    public Result tryIn(String ns, Duration timeout, String... cmd) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(Arrays.asList(cmd));
        return run(argv, timeout);
    }

    public record Result(int exitCode, String output) {
    }

    static Result run(List<String> argv, Duration timeout) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            var bytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(124, new String(bytes, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    private String sh(String... argv) {
        Result r = run(List.of(argv), Duration.ofSeconds(60));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " -> exit " + r.exitCode() + ": " + r.output());
        }
        return r.output();
    }

    private void deleteNamespaces() {
        Result list = run(List.of("ip", "netns", "list"), Duration.ofSeconds(10));
        for (String line : list.output().split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix + "-")) {
                run(List.of("ip", "netns", "pids", name), Duration.ofSeconds(5)).output().lines()
                        .forEach(pid -> run(List.of("kill", "-9", pid.strip()), Duration.ofSeconds(5)));
                run(List.of("ip", "netns", "del", name), Duration.ofSeconds(10));
            }
        }
    }

    @Override
    public void close() {
        for (Process p : servers) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        deleteNamespaces();
        try {
            Files.deleteIfExists(probe);
        } catch (IOException ignored) {
            // a temp file; nothing else depends on it
        }
    }
}
