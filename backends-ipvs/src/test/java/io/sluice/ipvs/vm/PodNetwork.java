package io.sluice.ipvs.vm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A one-node "cluster" inside the VM. The root namespace is the node (the test JVM runs there); it gets
 * <ul>
 *   <li>a node address {@value #NODE_IP}/24 on the dummy link {@value #NODE_LINK} (NodePort target),</li>
 *   <li>the pod bridge {@value #BRIDGE} ({@value #BRIDGE_IP}/24) with one veth per pod namespace
 *       {@code slvm-podN} (10.244.1.(10+N)/24, default route via the bridge, so masqueraded replies come back through
 *       the node as with a CNI), each running {@code pod-server.py} on the given ports (TCP and UDP),</li>
 *   <li>a client namespace {@value #CLIENT_NS} behind a veth ({@value #CLIENT_GW}/24 on the node side) with two source
 *       addresses {@value #CLIENT_IP} and {@value #CLIENT_IP2}, default route via the node (an outside client).</li>
 * </ul>
 * Links are created with two {@code ip -batch} runs plus one per namespace (process starts are slow under TCG).
 * {@link #close()} stops the servers and deletes every namespace and link it created; nothing else.
 */
final class PodNetwork implements AutoCloseable {
    static final String BRIDGE = VmTier.PREFIX + "-br0";
    static final String BRIDGE_IP = "10.244.1.1";
    static final String NODE_LINK = VmTier.PREFIX + "-eth0";
    static final String NODE_IP = "192.168.50.2";
    static final String CLIENT_NS = VmTier.PREFIX + "-client";
    static final String CLIENT_LINK = VmTier.PREFIX + "-vc0";
    static final String CLIENT_GW = "10.245.0.1";
    static final String CLIENT_IP = "10.245.0.2";
    static final String CLIENT_IP2 = "10.245.0.3";

    private final List<Pod> pods = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();
    private final Path serverScript;
    private final Path clientScript;
    private final String python;

    private PodNetwork() {
        this.serverScript = resource("pod-server.py");
        this.clientScript = resource("pod-client.py");
        this.python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Creates the node address, {@code podCount} pods serving {@code ports}, and the client namespace. */
    static PodNetwork start(int podCount, int... ports) {
        VmTier.require();
        PodNetwork n = new PodNetwork();
        try {
            n.create(podCount, ports);
            return n;
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
    }

    private void create(int podCount, int... ports) {
        cleanupLeftovers();
        StringBuilder root = new StringBuilder();
        line(root, "link add " + BRIDGE + " type bridge");
        line(root, "addr add " + BRIDGE_IP + "/24 dev " + BRIDGE);
        line(root, "link set " + BRIDGE + " up");
        line(root, "link add " + NODE_LINK + " type dummy");
        line(root, "addr add " + NODE_IP + "/24 dev " + NODE_LINK);
        line(root, "link set " + NODE_LINK + " up");
        for (int i = 1; i <= podCount; i++) {
            Pod p = new Pod("pod" + i, VmTier.PREFIX + "-pod" + i, "10.244.1." + (10 + i));
            pods.add(p);
            String veth = VmTier.PREFIX + "-vp" + i;
            line(root, "netns add " + p.netns());
            line(root, "link add " + veth + " type veth peer name eth0 netns " + p.netns());
            line(root, "link set " + veth + " master " + BRIDGE);
            line(root, "link set " + veth + " up");
        }
        line(root, "netns add " + CLIENT_NS);
        line(root, "link add " + CLIENT_LINK + " type veth peer name eth0 netns " + CLIENT_NS);
        line(root, "addr add " + CLIENT_GW + "/24 dev " + CLIENT_LINK);
        line(root, "link set " + CLIENT_LINK + " up");
        Sh.runWithInput(root.toString(), "ip", "-batch", "-");
        // The node routes between the client and the pods (kube-proxy leaves ip_forward to the node's setup).
        VmTier.sysctl("net.ipv4.ip_forward", "1");

        for (Pod p : pods) {
            inNamespace(p.netns(), p.ip(), BRIDGE_IP);
        }
        inNamespace(CLIENT_NS, CLIENT_IP, CLIENT_GW);
        Sh.run("ip", "-n", CLIENT_NS, "addr", "add", CLIENT_IP2 + "/24", "dev", "eth0");
        for (Pod p : pods) {
            startServer(p, ports);
        }
    }

    private static void inNamespace(String netns, String ip, String gateway) {
        StringBuilder b = new StringBuilder();
        line(b, "link set lo up");
        line(b, "addr add " + ip + "/24 dev eth0");
        line(b, "link set eth0 up");
        line(b, "route add default via " + gateway);
        Sh.runWithInput(b.toString(), "ip", "-n", netns, "-batch", "-");
    }

    private void startServer(Pod p, int... ports) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", p.netns(), python, serverScript.toString(),
                p.name()));
        for (int port : ports) {
            argv.add(Integer.toString(port));
        }
        try {
            Process proc = new ProcessBuilder(argv).redirectErrorStream(true).start();
            servers.add(proc);
            BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(),
                    StandardCharsets.US_ASCII));
            String first = r.readLine();
            if (!"ready".equals(first)) {
                throw new IllegalStateException("pod server " + p.name() + " did not start: " + first);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("starting the server of " + p.name(), e);
        }
    }

    List<Pod> pods() {
        return List.copyOf(pods);
    }

    Pod pod(int oneBased) {
        return pods.get(oneBased - 1);
    }

    /**
     * {@code count} attempts from the client namespace ({@code proto} "tcp" or "udp", optional source address), each a
     * new connection; a failed attempt is an empty answer. One process for all attempts.
     */
    List<Optional<Reply>> fromClient(String proto, String source, String host, int port, int count,
                                     double timeoutSeconds) {
        String out = Sh.run("ip", "netns", "exec", CLIENT_NS, python, clientScript.toString(), proto,
                source == null ? "-" : source, host, Integer.toString(port), Integer.toString(count),
                Double.toString(timeoutSeconds));
        List<Optional<Reply>> replies = new ArrayList<>();
        for (String l : out.strip().split("\n")) {
            replies.add(Reply.parse(l));
        }
        return replies;
    }

    /** Stops the servers and deletes the namespaces and links this network created. Idempotent. */
    @Override
    public void close() {
        for (Process p : servers) {
            try {
                p.getOutputStream().close();
            } catch (IOException e) {
                // the server exits on stdin EOF or is destroyed below
            }
            p.destroy();
        }
        servers.clear();
        cleanupLeftovers();
        pods.clear();
    }

    /** Deletes every {@code slvm-} namespace and link (a previous run that died half-way). */
    private static void cleanupLeftovers() {
        StringBuilder b = new StringBuilder();
        for (String ns : Sh.attempt("ip", "netns", "list").stdout().split("\n")) {
            String name = ns.strip().split(" ")[0];
            if (name.startsWith(VmTier.PREFIX + "-")) {
                line(b, "netns del " + name);
            }
        }
        for (String l : Sh.attempt("ip", "-o", "link", "show").stdout().split("\n")) {
            String[] f = l.split(": ");
            if (f.length > 1) {
                String name = f[1].split("@")[0];
                if (name.startsWith(VmTier.PREFIX + "-")) {
                    line(b, "link del " + name);
                }
            }
        }
        if (b.length() > 0) {
            // -force: keep going past links that vanished with their namespace peer.
            Sh.attemptWithInput(b.toString(), "ip", "-force", "-batch", "-");
        }
    }

    private static void line(StringBuilder b, String s) {
        b.append(s).append('\n');
    }

    private static Path resource(String name) {
        try (InputStream in = PodNetwork.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource missing: " + name);
            }
            Path f = Files.createTempFile("sluice-vm-", "-" + name);
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
