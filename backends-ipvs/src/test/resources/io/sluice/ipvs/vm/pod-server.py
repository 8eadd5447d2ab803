# A "pod" of the VM tier: answers every TCP line and every UDP datagram with "<pod name> <client ip>:<client port>",
# the client address as the pod saw it (after IPVS NAT). Raw sockets on purpose: http.server's reverse DNS lookups hang
# in a namespace without DNS. Prints "ready" once listening; exits when its stdin closes (the test JVM went away).
import socket
import sys
import threading

name = sys.argv[1]
ports = [int(p) for p in sys.argv[2:]]


def reply(addr):
    return ("%s %s:%d\n" % (name, addr[0], addr[1])).encode()


def serve_conn(conn, addr):
    with conn:
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
            while b"\n" in buf:
                _, buf = buf.split(b"\n", 1)
                conn.sendall(reply(addr))


def tcp_loop(s):
    while True:
        conn, addr = s.accept()
        threading.Thread(target=serve_conn, args=(conn, addr), daemon=True).start()


def udp_loop(u):
    while True:
        _, addr = u.recvfrom(2048)
        u.sendto(reply(addr), addr)


for port in ports:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("0.0.0.0", port))
    t.listen(128)
    threading.Thread(target=tcp_loop, args=(t,), daemon=True).start()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", port))
    threading.Thread(target=udp_loop, args=(u,), daemon=True).start()

print("ready", flush=True)
sys.stdin.read()
