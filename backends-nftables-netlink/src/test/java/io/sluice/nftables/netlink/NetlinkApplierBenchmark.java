package io.sluice.nftables.netlink;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.exec.CommandRunner;
import io.sluice.core.exec.ProcessCommandRunner;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ServiceType;
import io.sluice.core.model.SessionAffinity;
import io.sluice.core.model.TrafficPolicy;
import io.sluice.nftables.NftablesBackend;
import io.sluice.nftables.exec.Nft;
import io.sluice.nftables.exec.ProcessNft;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * The nftables appliers side by side in one run (root; fresh network namespaces {@code slnl-bench-*}): for each size
 * S×E (S ClusterIP services with E remote endpoints each), the first sync and a partial sync after one endpoint of
 * one service changed, through the same nftables backend with {@code nft -f} and with netlink. Checks that both
 * namespaces list the same ruleset, then prints a markdown section (and with {@code --write FILE} replaces the
 * "## nftables over netlink" section of FILE). Usage: {@code [--write FILE] 1000x10 10000x10}.
 */
public final class NetlinkApplierBenchmark {
    private static final CommandRunner RUNNER = new ProcessCommandRunner();
    private static final String SECTION = "## nftables over netlink";

    private NetlinkApplierBenchmark() {
    }

    record Row(String size, String applier, double firstMs, double partialMs, double firstApplyMs,
               double partialApplyMs) {
    }

    /** Times the applier's own calls (apply and listing), apart from rendering and planning. */
    static final class Timed implements Nft {
        private final Nft inner;
        long nanos;

        Timed(Nft inner) {
            this.inner = inner;
        }

        @Override
        public void apply(io.sluice.nftables.model.Transaction tx) throws io.sluice.nftables.exec.NftException {
            long t = System.nanoTime();
            try {
                inner.apply(tx);
            } finally {
                nanos += System.nanoTime() - t;
            }
        }

        @Override
        public void check(io.sluice.nftables.model.Transaction tx) throws io.sluice.nftables.exec.NftException {
            inner.check(tx);
        }

        @Override
        public String version() throws io.sluice.nftables.exec.NftException {
            return inner.version();
        }

        @Override
        public io.sluice.nftables.exec.TableNames listNames(io.sluice.nftables.model.NftFamily family, String table)
                throws io.sluice.nftables.exec.NftException {
            long t = System.nanoTime();
            try {
                return inner.listNames(family, table);
            } finally {
                nanos += System.nanoTime() - t;
            }
        }

        @Override
        public boolean deleteTable(io.sluice.nftables.model.NftFamily family, String table)
                throws io.sluice.nftables.exec.NftException {
            return inner.deleteTable(family, table);
        }
    }

    public static void main(String[] args) throws Exception {
        Path write = null;
        List<int[]> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--write")) {
                write = Path.of(args[++i]);
            } else {
                String[] p = args[i].split("x");
                sizes.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int[] s : sizes) {
            rows.addAll(measure(s[0], s[1]));
        }
        StringBuilder md = new StringBuilder(SECTION).append("\n\n");
        md.append("Measured ").append(java.time.LocalDate.now(Clock.systemUTC()))
                .append(" with `scripts/bench-nftables-netlink.sh` (`io.sluice.nftables.netlink.NetlinkApplierBenchmark`), ")
                .append("one run, on ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Linux ")
                .append(System.getProperty("os.version")).append(", Java ").append(System.getProperty("java.version"))
                .append(", ").append(nftVersion()).append(". The machine is shared with other builds, so wall times ")
                .append("include waiting for a CPU. Input: S ClusterIP services × E endpoints on another node, IPv4. ")
                .append("Both appliers run under the same nftables backend (renderer, planner, sync logic) in fresh ")
                .append("network namespaces, one after the other; the partial sync is one endpoint of one service ")
                .append("changing. Times are the backend's whole sync (render + plan + apply) as the daemon runs it, and the part spent in the ")
                .append("applier's calls (listing + apply: nft process or netlink compile + commit, kernel included); ")
                .append("after each size both namespaces list the same ruleset (`nft -j list ruleset`).\n\n");
        md.append("| services × endpoints | applier | first sync | of which in the applier | one-endpoint partial sync "
                + "| of which in the applier |\n|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.0f ms | %.0f ms | %.1f ms | %.1f ms |%n", r.size(),
                    r.applier(), r.firstMs(), r.firstApplyMs(), r.partialMs(), r.partialApplyMs()));
        }
        md.append('\n');
        for (int i = 0; i + 1 < rows.size(); i += 2) {
            Row nft = rows.get(i);
            Row nl = rows.get(i + 1);
            md.append(String.format(Locale.ROOT, "- %s: netlink/nft -f = %.2f (first sync), %.2f (partial sync); "
                            + "in the applier alone %.2f (first), %.2f (partial)%n",
                    nft.size(), nl.firstMs() / nft.firstMs(), nl.partialMs() / nft.partialMs(),
                    nl.firstApplyMs() / nft.firstApplyMs(), nl.partialApplyMs() / nft.partialApplyMs()));
        }
        System.out.print(md);
        if (write != null) {
            String doc = Files.readString(write);
            int at = doc.indexOf(SECTION);
            if (at >= 0) {
                int end = doc.indexOf("\n## ", at + SECTION.length());
                doc = doc.substring(0, at) + md + (end >= 0 ? doc.substring(end + 1) : "");
            } else {
                doc = doc + (doc.endsWith("\n") ? "\n" : "\n\n") + md;
            }
            Files.writeString(write, doc);
        }
    }

    static String nftVersion() {
        return RUNNER.run(List.of("nft", "--version")).stdout().strip();
    }

    static List<Row> measure(int services, int endpoints) throws Exception {
        String size = String.format(Locale.ROOT, "%,d × %d", services, endpoints);
        List<Row> rows = new ArrayList<>();
        String nsNft = "slnl-bench-nft";
        String nsNl = "slnl-bench-nl";
        try (NetlinkNft netlink = new NetlinkNft(Path.of("/run/netns", nsNl))) {
            for (String ns : List.of(nsNft, nsNl)) {
                RUNNER.run(List.of("ip", "netns", "del", ns));
                check(RUNNER.run(List.of("ip", "netns", "add", ns)));
                check(RUNNER.run(List.of("ip", "-n", ns, "link", "set", "lo", "up")));
            }
            rows.add(run(size, "nft -f", new ProcessNft(RUNNER, List.of("ip", "netns", "exec", nsNft)), services,
                    endpoints));
            rows.add(run(size, "netlink", netlink, services, endpoints));
            String a = RUNNER.run(List.of("ip", "netns", "exec", nsNft, "nft", "-j", "list", "ruleset"), "",
                    Duration.ofMinutes(10)).stdout();
            String b = RUNNER.run(List.of("ip", "netns", "exec", nsNl, "nft", "-j", "list", "ruleset"), "",
                    Duration.ofMinutes(10)).stdout();
            if (!a.equals(b) || a.length() < 1000) {
                throw new IllegalStateException("the two namespaces list different rulesets at " + size);
            }
        } finally {
            RUNNER.run(List.of("ip", "netns", "del", nsNft));
            RUNNER.run(List.of("ip", "netns", "del", nsNl));
        }
        return rows;
    }

    static Row run(String size, String name, Nft applier, int services, int endpoints) throws Exception {
        Timed nft = new Timed(applier);
        ProxyConfig cfg = ProxyConfig.defaults("node-a").withMode("nftables");
        NftablesBackend backend = new NftablesBackend(new BackendContext(cfg, null, null, Clock.systemUTC(), null),
                nft);
        TreeMap<ServicePortName, ServicePort> svc = new TreeMap<>();
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>();
        for (int i = 0; i < services; i++) {
            ServicePortName n = ServicePortName.of("ns" + i % 50, "svc" + i, "http", Protocol.TCP);
            svc.put(n, new ServicePort(n, ServiceType.ClusterIP, List.of("10." + (96 + i / 65536) + "."
                    + (i / 256 % 256) + "." + (i % 256)), 80, 0, List.of(), List.of(), List.of(),
                    TrafficPolicy.Cluster, TrafficPolicy.Cluster, SessionAffinity.NONE, 0, ""));
            List<Endpoint> list = new ArrayList<>();
            for (int e = 0; e < endpoints; e++) {
                int k = i * endpoints + e;
                list.add(Endpoint.ready("10." + (128 + k / 65536) + "." + (k / 256 % 256) + "." + (k % 256), 8080)
                        .withNodeName("node-b"));
            }
            eps.put(n, list);
        }
        NodeInfo node = new NodeInfo("node-a", List.of("192.168.0.2"), new TreeMap<>(), false);
        long t0 = System.nanoTime();
        backend.sync(new SyncRequest(new ProxySnapshot(svc, eps, node, List.of("10.96.0.0/12")), Set.of(), false));
        double first = (System.nanoTime() - t0) / 1e6;
        double firstApply = nft.nanos / 1e6;
        nft.nanos = 0;
        ServicePortName changed = svc.firstKey();
        List<Endpoint> moved = new ArrayList<>(eps.get(changed));
        moved.set(0, Endpoint.ready("10.250.0.1", 8080).withNodeName("node-b"));
        eps.put(changed, moved);
        long t1 = System.nanoTime();
        backend.sync(new SyncRequest(new ProxySnapshot(svc, eps, node, List.of("10.96.0.0/12")),
                Set.of(changed.service()), false));
        double partial = (System.nanoTime() - t1) / 1e6;
        return new Row(size, name, first, partial, firstApply, nft.nanos / 1e6);
    }

    static void check(CommandRunner.CommandResult r) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException(r.stderr());
        }
    }
}
