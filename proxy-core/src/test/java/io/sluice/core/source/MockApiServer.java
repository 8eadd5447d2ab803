package io.sluice.core.source;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.util.HashMap;
import java.util.List;

/**
 * fabric8's mock API server (plain HTTP on a free loopback port) and a client to it, for Given/When/Then tests; the
 * replacement for {@code @EnableKubernetesMockClient} with a shutdown that holds on a loaded machine.
 *
 * <p>Why not the annotation: its extension stops the server in {@code afterEach} through
 * {@code MockWebServer.shutdown()}, which waits at most 10 s for Vert.x to close and then throws
 * {@code IllegalStateException("Unable to close MockWebServer")}. On a busy 2-core machine a Vert.x event loop was seen
 * blocked for 12 s, so a test whose assertions had all passed failed in its teardown. Here the client's watches are
 * closed first (the server would otherwise wait for them), and that one shutdown timeout is reported on stderr instead
 * of failing the test: the server's port is ephemeral and Vert.x finishes closing in the background. Any other failure
 * to close still fails the test.
 *
 * <p>Not thread-safe; one per test.
 */
public final class MockApiServer implements AutoCloseable {
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    private MockApiServer(KubernetesMockServer server) {
        this.server = server;
        server.init();
        this.client = server.createClient();
    }

    /** CRUD mode: objects created through the client are stored, listed and watched like a real API server. */
    public static MockApiServer crud() {
        return new MockApiServer(new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false));
    }

    /** Expectations mode: only the responses the test scripts with {@code server().expect()} are served. */
    public static MockApiServer expectations() {
        return new MockApiServer(new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), false));
    }

    public KubernetesMockServer server() {
        return server;
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    /** Closes the client, then the server; idempotent in effect (a second call only repeats the client close). */
    @Override
    public void close() {
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("Unable to close")) {
                throw e;
            }
            System.err.println("MockApiServer: the mock server's own 10 s shutdown wait ran out (machine under load); "
                    + "it finishes closing in the background: " + e.getMessage());
        }
    }
}
