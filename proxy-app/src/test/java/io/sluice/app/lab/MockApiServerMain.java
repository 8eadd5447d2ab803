package io.sluice.app.lab;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.crud.PostHandler;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The lab's API server, run as its own process: fabric8's {@link KubernetesMockServer} in CRUD mode on
 * {@code 127.0.0.1:<port>}, filled through its create handler with the Node and a {@link LabCluster}, then serving until
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
        // One line per request would cost more than the request.
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        FillingDispatcher dispatcher = new FillingDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init(InetAddress.getByName("127.0.0.1"), port);
        // Filled through the mock's own create handler (what a POST runs), without HTTP: 60,000 POSTs would take
        // minutes, and the mock's duplicate check scans every stored object (quadratic) while the lab knows there are
        // none.
        PostHandler post = new PostHandler(new KubernetesAttributesExtractor(), dispatcher);
        post.handle("/api/v1/nodes", "application/json", Serialization.asJson(LabCluster.node()));
        for (int i = 0; i < cluster.services(); i++) {
            String ns = LabCluster.namespace(i);
            post.handle("/api/v1/namespaces/" + ns + "/services", "application/json",
                    Serialization.asJson(cluster.service(i)));
            post.handle("/apis/discovery.k8s.io/v1/namespaces/" + ns + "/endpointslices", "application/json",
                    Serialization.asJson(cluster.slice(i, Map.of(), null)));
        }
        dispatcher.filling = false;
        System.out.println("READY " + cluster.services());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** The CRUD dispatcher, told that nothing exists yet while the lab fills it. */
    static final class FillingDispatcher extends KubernetesCrudDispatcher {
        volatile boolean filling = true;

        @Override
        public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
            return filling ? null : super.findResource(attributes);
        }
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
