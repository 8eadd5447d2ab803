package io.sluice.core.health;

import io.sluice.core.model.NamespacedName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real listener on 127.0.0.1 (no privileges needed): bind errors reach the caller, probes get full responses. */
class NioHealthCheckListenersTest {
    private final NioHealthCheckListeners listeners = new NioHealthCheckListeners();

    @AfterEach
    void close() {
        listeners.close();
    }

    @Test
    void servesTheResponseComputedAtRequestTimeAndReleasesThePortOnClose() throws Exception {
        int port = freePort();
        AtomicInteger count = new AtomicInteger();
        HealthCheckListeners.Listener l = listeners.listen("127.0.0.1", port,
                () -> HealthCheckResponse.of(new NamespacedName("ns", "a"), count.get(), true));
        String first = get(port, "GET /anything HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(first).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .contains("Content-Type: application/json\r\n", "X-Content-Type-Options: nosniff\r\n",
                        "X-Load-Balancing-Endpoint-Weight: 0\r\n", "Connection: close\r\n")
                .endsWith("\"serviceProxyHealthy\": true\n}");
        count.set(3);
        assertThat(get(port, "GET / HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n")
                .contains("\"localEndpoints\": 3,");
        assertThat(get(port, "HEAD / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n");

        l.close();
        // The port is free again once the selector has deregistered it.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void portInUseFailsTheCallerWithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            assertThatThrownBy(() -> listeners.listen("127.0.0.1", taken.getLocalPort(),
                    () -> HealthCheckResponse.of(new NamespacedName("ns", "a"), 1, true)))
                    .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
        assertThatThrownBy(() -> listeners.listen("localhost", 1, () -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void garbageRequestGets400() throws Exception {
        int port = freePort();
        listeners.listen("127.0.0.1", port, () -> HealthCheckResponse.of(new NamespacedName("ns", "a"), 1, true));
        assertThat(get(port, "\u0001\u0002 nonsense\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static String get(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
