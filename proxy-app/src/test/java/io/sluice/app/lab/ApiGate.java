package io.sluice.app.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay between the daemon and the lab's API server that can be cut: while closed, its port refuses
 * connections and every relayed connection is reset, as when the API server (or the path to it) is down. The daemon's
 * kubeconfig points at the gate, so the lab can take the API server away without losing its objects.
 *
 * <p>Thread-safe; one accept thread plus two pump threads per connection, all daemons.
 */
public final class ApiGate implements AutoCloseable {
    private final int listenPort;
    private final int upstreamPort;
    private final List<Socket> live = new ArrayList<>();
    private ServerSocket server;

    public ApiGate(int listenPort, int upstreamPort) {
        this.listenPort = listenPort;
        this.upstreamPort = upstreamPort;
    }

    public int port() {
        return listenPort;
    }

    /** Starts accepting (again). */
    public synchronized void open() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), listenPort));
        server = s;
        Thread t = new Thread(() -> accept(s), "lab-gate-accept");
        t.setDaemon(true);
        t.start();
    }

    /** Stops accepting and resets every relayed connection. */
    public synchronized void cut() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket does not fail in a way that matters here
        }
        server = null;
        for (Socket s : live) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException ignored) {
                // already closed by its peer
            }
        }
        live.clear();
    }

    @Override
    public void close() {
        cut();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket down = s.accept();
                Socket up = new Socket(InetAddress.getByName("127.0.0.1"), upstreamPort);
                synchronized (this) {
                    if (server != s) {
                        down.close();
                        up.close();
                        return;
                    }
                    live.add(down);
                    live.add(up);
                }
                pump(down, up);
                pump(up, down);
            } catch (IOException e) {
                // closed by cut(), or the upstream refused: the daemon sees a failed connection either way
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side went away; closing both ends below tells the other side
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // nothing left to do
                }
                synchronized (this) {
                    live.remove(from);
                    live.remove(to);
                }
            }
        }, "lab-gate-pump");
        t.setDaemon(true);
        t.start();
    }
}
