package io.sluice.core.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.sluice.core.config.HostPort;
import io.sluice.core.lifecycle.Failures;
import io.sluice.core.model.IpAddresses;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The small HTTP server shared by {@link HealthServer} and {@link MetricsServer}: JDK {@link HttpServer} on one daemon
 * thread, bound to an IP literal (never a host name, so no DNS lookup). Handlers are registered {@link #guarded}.
 * Close is idempotent.
 */
abstract class HttpEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private boolean closed;

    HttpEndpoint(String bindAddress, String threadName) throws IOException {
        HostPort hp = HostPort.parse(bindAddress)
                .orElseThrow(() -> new IllegalArgumentException("bad bind address (want ip:port): " + bindAddress));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(hp.host()), hp.port()), 16);
        executor = Executors.newSingleThreadExecutor(Failures.daemonThreads(threadName));
        server.setExecutor(executor);
    }

    /** Registers the handlers; called by subclasses before {@link #startServer()}. */
    final HttpServer server() {
        return server;
    }

    final void startServer() {
        server.start();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code host:port} actually bound. */
    public String address() {
        return new HostPort(IpAddresses.format(server.getAddress().getAddress().getAddress()), port()).toString();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * {@code handler} with Sluice's failure policy ({@link Failures}): an unexpected exception is logged with its
     * cause, counted, and answered 500 (the JDK server would otherwise drop the connection silently); an Error ends
     * the process.
     */
    static HttpHandler guarded(HttpHandler handler) {
        return ex -> {
            try {
                handler.handle(ex);
            } catch (RuntimeException e) {
                Failures.exception(Thread.currentThread().getName(), e);
                try {
                    respond(ex, 500, "text/plain; charset=utf-8", "internal error\n");
                } catch (IOException | RuntimeException ignored) {
                    ex.close();
                }
            } catch (Error e) {
                Failures.fatal(Thread.currentThread().getName(), e);
                throw e;
            }
        };
    }

    /** Writes a complete response; HEAD gets the headers only. */
    static void respond(HttpExchange ex, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
        ex.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
        ex.close();
    }

    static void notFound(HttpExchange ex) throws IOException {
        respond(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
    }
}
