package io.sluice.core.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The real {@link HealthCheckListeners}: every health-check port of the node served by ONE selector thread
 * ({@code sluice-healthcheck}), however many Services have one (kube-proxy uses a goroutine per listener; a JDK
 * {@code HttpServer} per port would cost a dispatcher thread each). The HTTP it speaks is the little a load balancer
 * probe needs: read the request head (at most {@value #MAX_REQUEST} bytes), answer with a complete HTTP/1.1 response
 * and {@code Connection: close}. Connections idle longer than {@value #IDLE_MILLIS} ms are closed.
 *
 * <p>Threading: {@link #listen} binds on the caller's thread (so bind errors reach the caller) and hands the channel
 * to the selector thread; {@link HealthCheckListeners.Listener#close()} closes the channel and wakes the selector, never
 * waiting for it (callers hold locks the responders also take). Addresses are IP literals: no DNS lookups.
 */
public final class NioHealthCheckListeners implements HealthCheckListeners, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NioHealthCheckListeners.class);
    static final int MAX_REQUEST = 8192;
    static final long IDLE_MILLIS = 10_000;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    public NioHealthCheckListeners() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this::loop, "sluice-healthcheck");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Listener listen(String ip, int port, Supplier<HealthCheckResponse> responder) throws IOException {
        if (closed) {
            throw new IOException("health-check listeners are closed");
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.bind(new InetSocketAddress(InetAddress.getByName(literal(ip)), port), 128);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw new IOException(ip + ":" + port + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
        pending.add(() -> {
            try {
                ch.register(selector, SelectionKey.OP_ACCEPT, responder);
            } catch (IOException e) { // ClosedChannelException: closed before registration, nothing to serve
                closeQuietly(ch);
            }
        });
        selector.wakeup();
        return () -> {
            closeQuietly(ch);
            selector.wakeup(); // the selector deregisters the key and the kernel socket is released
        };
    }

    /** Stops the selector thread and closes every socket. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String literal(String ip) {
        // InetAddress.getByName on a literal never resolves; reject anything that is not one.
        if (!ip.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an IP literal: " + ip);
        }
        return ip;
    }

    private void loop() {
        try {
            while (!closed) {
                Runnable r;
                while ((r = pending.poll()) != null) {
                    r.run();
                }
                selector.select(1000);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    try {
                        handle(key);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("health-check connection error: {}", e.toString());
                        key.cancel();
                        closeQuietly(key.channel());
                    }
                }
                expireIdle();
            }
        } catch (IOException | ClosedSelectorException e) {
            LOG.error("health-check listener thread failed; health-check node ports are not served", e);
        } finally {
            for (SelectionKey k : selector.keys()) {
                closeQuietly(k.channel());
            }
            closeQuietly(selector);
        }
    }

    @SuppressWarnings("unchecked")
    private void handle(SelectionKey key) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            SocketChannel c = ((ServerSocketChannel) key.channel()).accept();
            if (c != null) {
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ,
                        new Conn((Supplier<HealthCheckResponse>) key.attachment(), System.currentTimeMillis()));
            }
            return;
        }
        Conn conn = (Conn) key.attachment();
        SocketChannel c = (SocketChannel) key.channel();
        if (key.isReadable()) {
            int n = c.read(conn.in);
            String head = new String(conn.in.array(), 0, conn.in.position(), StandardCharsets.ISO_8859_1);
            boolean complete = head.contains("\r\n\r\n") || head.contains("\n\n");
            if (n < 0 && !complete) {
                key.cancel();
                c.close();
                return;
            }
            if (!complete && conn.in.hasRemaining()) {
                return;
            }
            conn.out = ByteBuffer.wrap(response(head, complete, conn.responder));
            key.interestOps(SelectionKey.OP_WRITE);
        }
        if (key.isValid() && conn.out != null) {
            c.write(conn.out);
            if (!conn.out.hasRemaining()) {
                key.cancel();
                c.close();
            }
        }
    }

    static byte[] response(String head, boolean complete, Supplier<HealthCheckResponse> responder) {
        int sp = head.indexOf(' ');
        String method = sp > 0 ? head.substring(0, sp) : "";
        if (!complete || !method.matches("[A-Z]{1,16}")) {
            return ("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
        }
        HealthCheckResponse r = responder.get();
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(r.code())
                .append(r.code() == 200 ? " OK" : " Service Unavailable").append("\r\n");
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        sb.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        byte[] headBytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (method.equals("HEAD")) {
            return headBytes;
        }
        byte[] out = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(body, 0, out, headBytes.length, body.length);
        return out;
    }

    private void expireIdle() {
        long now = System.currentTimeMillis();
        for (SelectionKey k : selector.keys()) {
            if (k.attachment() instanceof Conn conn && now - conn.since > IDLE_MILLIS) {
                k.cancel();
                closeQuietly(k.channel());
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing a socket: nothing useful to do with a failure
        }
    }

    private static final class Conn {
        final Supplier<HealthCheckResponse> responder;
        final long since;
        final ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        ByteBuffer out;

        Conn(Supplier<HealthCheckResponse> responder, long since) {
            this.responder = responder;
            this.since = since;
        }
    }
}
