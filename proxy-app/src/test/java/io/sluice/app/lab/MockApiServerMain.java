package io.sluice.app.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's API server, run as its own process: fabric8's {@link KubernetesMockServer} in CRUD mode on
 * {@code 127.0.0.1:<port>}, filled through its own HTTP API with the Node and a {@link LabCluster}, then serving until
 * killed. Prints {@code READY <services>} on stdout once filled.
 *
 * <p>Usage: {@code MockApiServerMain <port> <services> <endpoints>}.
 */
public final class MockApiServerMain {
    private MockApiServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        LabCluster cluster = new LabCluster(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getByName("127.0.0.1"), port);
        try (KubernetesClient client = server.createClient()) {
            client.nodes().resource(LabCluster.node()).create();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < cluster.services(); i += 4) {
                        client.services().inNamespace(LabCluster.namespace(i)).resource(cluster.service(i)).create();
                        client.discovery().v1().endpointSlices().inNamespace(LabCluster.namespace(i))
                                .resource(cluster.slice(i, Map.of(), null)).create();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
        }
        System.out.println("READY " + cluster.services());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** A kubeconfig for an API server at {@code url} (token auth, no TLS), as the daemon reads it. */
    public static Path writeKubeconfig(Path file, String url) throws java.io.IOException {
        return Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: lab, cluster: {server: "%s"}}]
                contexts: [{name: lab, context: {cluster: lab, user: lab}}]
                current-context: lab
                users: [{name: lab, user: {token: lab}}]
                """.formatted(url));
    }
}
