#!/usr/bin/python3
"""Packet-flow probe for Sluice's real-kernel tests. Plain sockets only: http.server does reverse DNS and hangs
inside a network namespace.

  probe.py serve NAME PORT...                 TCP and UDP on each port, IPv4 (0.0.0.0) and IPv6 (::, V6ONLY, when the
                                              namespace has IPv6); every TCP line and UDP datagram is answered with
                                              "NAME <client-ip>"; a new TCP connection is greeted the same way.
  probe.py connect HOST PORT COUNT [udp] [TIMEOUT]
                                              COUNT sequential attempts (IPv4 or IPv6, as HOST is); one line each:
                                              "OK NAME CLIENTIP" | "ERR ECONNREFUSED" | "ERR TIMEOUT" | "ERR <errno>"
  probe.py udp-from SRCPORT HOST PORT COUNT [TIMEOUT]
                                              like "connect ... udp", but every datagram leaves from the same source
                                              port, so all attempts share one conntrack entry (a UDP "connection").
  probe.py hold HOST PORT SECONDS             one TCP connection kept open, a request every 0.1 s; prints
                                              "HOLD OK NAME N" when it stayed up, or "HOLD BROKEN <why> after N".
                                              Prints "HOLD READY NAME" once connected (stdout is flushed).
"""
import errno
import socket
import sys
import threading
import time


def listener(family, kind, port):
    """A socket bound to the family's wildcard; IPv6 ones are V6ONLY, so IPv4 peers keep plain dotted addresses."""
    s = socket.socket(family, kind)
    if kind == socket.SOCK_STREAM:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind(("::", port))
    else:
        s.bind(("0.0.0.0", port))
    if kind == socket.SOCK_STREAM:
        s.listen(128)
    return s


def families():
    out = [socket.AF_INET]
    try:
        socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()
        out.append(socket.AF_INET6)
    except OSError:
        pass
    return out


def serve(name, ports):
    def tcp(s):
        while True:
            c, addr = s.accept()
            threading.Thread(target=conn, args=(c, addr), daemon=True).start()

    def conn(c, addr):
        try:
            c.sendall(f"{name} {addr[0]}\n".encode())
            f = c.makefile("rb")
            for _ in f:
                c.sendall(f"{name} {addr[0]}\n".encode())
        except OSError:
            pass
        finally:
            c.close()

    def udp(s):
        while True:
            data, addr = s.recvfrom(2048)
            s.sendto(f"{name} {addr[0]}\n".encode(), addr)

    # Bound before "SERVING" is printed, so a test may connect as soon as it reads that line.
    for f in families():
        for p in ports:
            threading.Thread(target=tcp, args=(listener(f, socket.SOCK_STREAM, p),), daemon=True).start()
            threading.Thread(target=udp, args=(listener(f, socket.SOCK_DGRAM, p),), daemon=True).start()
    print("SERVING", name, flush=True)
    while True:
        time.sleep(3600)


def connect(host, port, count, udp, timeout, src_port=0):
    for _ in range(count):
        try:
            if udp:
                family = socket.AF_INET6 if ":" in host else socket.AF_INET
                s = socket.socket(family, socket.SOCK_DGRAM)
                if src_port:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", src_port))
                s.settimeout(timeout)
                s.sendto(b"ping\n", (host, port))
                data, _ = s.recvfrom(2048)
            else:
                s = socket.create_connection((host, port), timeout=timeout)
                s.settimeout(timeout)
                data = s.makefile("rb").readline()
            s.close()
            line = data.decode().strip()
            print("OK " + line if line else "ERR EMPTY", flush=True)
        except socket.timeout:
            print("ERR TIMEOUT", flush=True)
        except ConnectionRefusedError:
            print("ERR ECONNREFUSED", flush=True)
        except OSError as e:
            print("ERR " + errno.errorcode.get(e.errno, str(e.errno)), flush=True)


def hold(host, port, seconds):
    n = 0
    try:
        s = socket.create_connection((host, port), timeout=2)
        s.settimeout(2)
        f = s.makefile("rb")
        name = f.readline().decode().split()[0]
        print("HOLD READY " + name, flush=True)
        end = time.time() + seconds
        while time.time() < end:
            s.sendall(b"ping\n")
            line = f.readline().decode()
            if not line:
                print(f"HOLD BROKEN eof after {n}", flush=True)
                return
            if line.split()[0] != name:
                print(f"HOLD BROKEN switched-to-{line.split()[0]} after {n}", flush=True)
                return
            n += 1
            time.sleep(0.1)
        s.close()
        print(f"HOLD OK {name} {n}", flush=True)
    except OSError as e:
        print(f"HOLD BROKEN {e!r} after {n}", flush=True)


def main(argv):
    cmd = argv[1]
    if cmd == "serve":
        serve(argv[2], [int(p) for p in argv[3:]])
    elif cmd == "connect":
        udp = len(argv) > 5 and argv[5] == "udp"
        timeout = float(argv[6]) if len(argv) > 6 else 1.0
        connect(argv[2], int(argv[3]), int(argv[4]), udp, timeout)
    elif cmd == "udp-from":
        timeout = float(argv[6]) if len(argv) > 6 else 1.0
        connect(argv[3], int(argv[4]), int(argv[5]), True, timeout, int(argv[2]))
    elif cmd == "hold":
        hold(argv[2], int(argv[3]), float(argv[4]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
