package io.sluice.app.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Traffic through the lab's service VIPs, all inside the lab namespace: an echo server on {@code 0.0.0.0:8080}
 * (every endpoint address is local: {@code ip route add local 10.128.0.0/9 dev lo}), clients opening new
 * connections to the ClusterIPs of the first services back to back, and long-lived connections that exchange a line
 * every 250 ms. Counts successes, failed new connections and established connections that broke (reset or closed).
 *
 * <p>Threads are daemons; {@link #close()} stops them. Counters are safe to read from any thread.
 */
public final class Traffic implements AutoCloseable {
    public final AtomicLong connectOk = new AtomicLong();
    public final AtomicLong connectFailed = new AtomicLong();
    public final AtomicLong heldBroken = new AtomicLong();
    public final AtomicLong heldExchanges = new AtomicLong();
    private final List<String> lastErrors = new ArrayList<>();
    private final ServerSocket server;
    private final int services;
    private volatile boolean stopped;

    private Traffic(ServerSocket server, int services) {
        this.server = server;
        this.services = services;
    }

    /** Routes the lab's addresses locally, starts the echo server, {@code clients} connectors and {@code held} long-lived connections over the first {@code services} services. */
    public static Traffic start(int services, int clients, int held) throws IOException, InterruptedException {
        KernelRules.run(List.of("ip", "addr", "add", "192.168.77.1/32", "dev", "lo"));
        KernelRules.run(List.of("ip", "route", "add", "local", "10.128.0.0/9", "dev", "lo"));
        KernelRules.run(List.of("ip", "route", "add", "10.96.0.0/12", "dev", "lo", "src", "192.168.77.1"));
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("0.0.0.0", LabCluster.TARGET_PORT), 512);
        Traffic t = new Traffic(s, services);
        t.thread("lab-echo-accept", t::accept);
        for (int i = 0; i < clients; i++) {
            int first = i;
            t.thread("lab-client-" + i, () -> t.connectLoop(first));
        }
        for (int i = 0; i < held; i++) {
            int svc = i % services;
            t.thread("lab-held-" + i, () -> t.holdLoop(svc));
        }
        return t;
    }

    public synchronized List<String> lastErrors() {
        return List.copyOf(lastErrors);
    }

    private void thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void accept() {
        while (!stopped) {
            try {
                Socket c = server.accept();
                thread("lab-echo", () -> echo(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket c) {
        try (c; BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
             OutputStream out = c.getOutputStream()) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private void connectLoop(int first) {
        int n = first;
        while (!stopped) {
            String vip = LabCluster.clusterIP(n++ % services);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(vip, LabCluster.PORT), 3000);
                s.setSoTimeout(3000);
                s.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
                String back = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                if ("ping".equals(back)) {
                    connectOk.incrementAndGet();
                } else {
                    fail(connectFailed, vip + ": answer " + back);
                }
            } catch (IOException e) {
                if (!stopped) {
                    fail(connectFailed, vip + ": " + e);
                }
            }
            sleep(20);
        }
    }

    private void holdLoop(int svc) {
        String vip = LabCluster.clusterIP(svc);
        while (!stopped) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(vip, LabCluster.PORT), 3000);
                s.setSoTimeout(5000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                while (!stopped) {
                    out.write("hold\n".getBytes(StandardCharsets.UTF_8));
                    if (!"hold".equals(in.readLine())) {
                        throw new IOException("connection closed");
                    }
                    heldExchanges.incrementAndGet();
                    sleep(250);
                }
            } catch (IOException e) {
                if (!stopped) {
                    fail(heldBroken, "held " + vip + ": " + e);
                    sleep(250);
                }
            }
        }
    }

    private synchronized void fail(AtomicLong counter, String why) {
        counter.incrementAndGet();
        if (lastErrors.size() >= 20) {
            lastErrors.remove(0);
        }
        lastErrors.add(why);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        stopped = true;
        server.close();
    }
}
