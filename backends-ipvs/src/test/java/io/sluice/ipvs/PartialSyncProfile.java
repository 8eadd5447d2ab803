package io.sluice.ipvs;

import io.sluice.core.backend.SyncRequest;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePortName;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Manual profile (not a test): full and partial sync of N ClusterIP services x 10 endpoints against the in-memory
 * fakes, printing wall times per phase. Usage: {@code PartialSyncProfile [N...]}. Numbers exclude all kernel cost.
 */
public final class PartialSyncProfile {
    private PartialSyncProfile() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {1000, 10000} : java.util.Arrays.stream(args)
                .mapToInt(Integer::parseInt).toArray();
        run(sizes[0]); // warm-up
        double[] partials = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            partials[i] = run(sizes[i]);
        }
        if (sizes.length == 2) {
            System.out.printf(Locale.ROOT, "partial ratio %d/%d: %.1f%n", sizes[1], sizes[0],
                    partials[1] / partials[0]);
        }
    }

    private static double run(int n) throws Exception {
        TestKernel k = new TestKernel();
        IpvsBackend backend = k.backend(TestConfigs.ipvs());
        Snap s = Snap.create();
        for (int i = 0; i < n; i++) {
            Endpoint[] eps = new Endpoint[10];
            for (int e = 0; e < 10; e++) {
                eps[e] = Snap.ep(pod(i * 10 + e), 8080);
            }
            s.add(Snap.svc("bench", "svc-" + i).clusterIP(vip(i)), eps);
        }
        ProxySnapshot snap = s.build();
        long t0 = System.nanoTime();
        backend.sync(SyncRequest.full(snap));
        double full = (System.nanoTime() - t0) / 1e9;
        ServicePortName changed = snap.services().keySet().stream()
                .filter(p -> p.service().name().equals("svc-" + n / 2)).findFirst().orElseThrow();
        var endpoints = new java.util.TreeMap<>(snap.endpoints());
        List<Endpoint> eps = new ArrayList<>(endpoints.get(changed));
        eps.set(0, Snap.ep(pod(n * 10 + 1), 8080));
        endpoints.put(changed, eps);
        ProxySnapshot next = new ProxySnapshot(snap.services(), endpoints, snap.node());
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t1 = System.nanoTime();
            backend.sync(new SyncRequest(next, Set.of(changed.service()), false));
            best = Math.min(best, (System.nanoTime() - t1) / 1e9);
            endpoints.put(changed, rep % 2 == 0 ? snap.endpoints().get(changed) : eps);
            next = new ProxySnapshot(snap.services(), endpoints, snap.node());
        }
        System.out.printf(Locale.ROOT, "N=%d full %.3f s, partial (best of 5) %.4f s%n", n, full, best);
        return best;
    }

    private static String vip(int i) {
        return "10." + (96 + (i >> 16)) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    }

    private static String pod(int j) {
        return "10." + (128 + (j >> 16)) + "." + ((j >> 8) & 0xff) + "." + (j & 0xff);
    }
}
