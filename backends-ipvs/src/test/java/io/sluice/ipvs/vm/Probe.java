package io.sluice.ipvs.vm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Clients in the node's own network namespace (the test JVM's): a new TCP connection or UDP datagram per question, or
 * a {@link Conversation} that keeps one TCP connection open. Failures (refused, reset, timeout) are an empty answer,
 * never an exception, so tests can assert on reachability.
 */
final class Probe {
    static final int TIMEOUT_MS = 3000;

    private Probe() {
    }

    /** One question over a new TCP connection. */
    static Optional<Reply> tcp(String host, int port) {
        try (Conversation c = Conversation.open(host, port)) {
            return c.ask();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code count} questions, each over a new TCP connection. */
    static List<Optional<Reply>> tcp(String host, int port, int count) {
        List<Optional<Reply>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(tcp(host, port));
        }
        return out;
    }

    /** One UDP datagram from a fresh socket (a new IPVS connection each time). */
    static Optional<Reply> udp(String host, int port) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(TIMEOUT_MS);
            byte[] q = "hi\n".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(q, q.length, InetAddress.getByName(host), port));
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return Reply.parse(new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** One TCP connection kept open across questions. */
    static final class Conversation implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        private Conversation(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = socket.getOutputStream();
        }

        static Conversation open(String host, int port) throws IOException {
            Socket s = new Socket();
            try {
                s.setSoTimeout(TIMEOUT_MS);
                s.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
                return new Conversation(s);
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        /** Sends one line and reads the answer; empty when the connection broke or timed out. */
        Optional<Reply> ask() {
            try {
                out.write("hi\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return Reply.parse(in.readLine());
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is best effort
            }
        }
    }
}
