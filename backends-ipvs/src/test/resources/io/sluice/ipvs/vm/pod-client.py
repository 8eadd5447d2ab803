# A client of the VM tier running in its own namespace: COUNT attempts to HOST PORT (each a new TCP connection sending
# one line, or one UDP datagram), optionally from source address SRC. Prints one line per attempt: the server's reply
# ("<pod> <client ip>:<port>") or "ERR <reason>". Usage: pod-client.py tcp|udp SRC|- HOST PORT COUNT TIMEOUT_SECONDS
import socket
import sys

proto, src, host, port, count, timeout = sys.argv[1:7]
port, count, timeout = int(port), int(count), float(timeout)

for _ in range(count):
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.settimeout(timeout)
    try:
        if src != "-":
            s.bind((src, 0))
        if proto == "tcp":
            s.connect((host, port))
            s.sendall(b"hi\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        else:
            s.sendto(b"hi\n", (host, port))
            data, _ = s.recvfrom(4096)
        print(data.decode().strip() or "ERR empty", flush=True)
    except OSError as e:
        print("ERR %s" % (e.__class__.__name__,), flush=True)
    finally:
        s.close()
