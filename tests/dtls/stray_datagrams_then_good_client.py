# A DTLS server doing the documentation's accept loop (a fresh socket per
# attempt, as examples/dtls_server.py) meets stray datagrams first: random
# bytes, a truncated record, an oversized one. Each attempt fails at once
# with a clear OSError (no wedge, no crash), then a real client is served.
import sys

sys.path.append(".")
import socket
import ssl
from _dtls import cert, udp_connect

STRAYS = 3


def bound(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(socket.getaddrinfo("127.0.0.1", port)[0][-1])
    return s


def instance0():
    import os

    port = int(os.getenv("MPSSL_PORT_BASE")) + 500
    multitest.globals(PORT=port)
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    ctx.load_cert_chain(cert("server_ec.crt.der"), cert("server_ec.key.der"))
    sock = bound(port)
    multitest.next()
    failures = 0
    while True:
        _, addr = sock.recvfrom(1, socket.MSG_PEEK)
        # The next attempt's socket is bound before this one is connected: with no
        # unconnected socket on the port, the client's retry after Hello Verify would meet
        # a closed port (ICMP unreachable: ECONNREFUSED), as examples/dtls_server.py says.
        fresh = bound(port)
        sock.connect(addr)
        try:
            conn = ctx.wrap_socket(sock, server_side=True, client_id=repr(addr).encode())
            break
        except OSError as e:
            sock.close()
            sock = fresh
            if "Hello Verify" not in e.args[-1]:
                failures += 1
                print("stray datagram refused:", e.args[-1])
                if failures == STRAYS:
                    multitest.broadcast("strays done")
    print("served:", conn.recv(64))
    conn.close()
    fresh.close()


def instance1():
    # CPython: the stray datagrams, each from its own socket.
    import os
    import time

    # The oversized record: a DTLS 1.2 handshake header (epoch 0, sequence 0) claiming 65535
    # bytes, in a datagram of 3000 (random lengths fit the datagram now and then, and the
    # record is then read as an unexpected message instead).
    oversized = b"\x16\xfe\xfd" + bytes(8) + b"\xff\xff" + os.urandom(2987)
    for data in (os.urandom(60), b"\x16\xfe\xfd\x00\x00", oversized):
        s = udp_connect(PORT)
        s.send(data)
        s.close()
        time.sleep(0.3)
    print("strays sent")
    multitest.next()
    multitest.wait("strays done")  # stays until then: broadcasts go to every instance


def instance2():
    multitest.next()
    multitest.wait("strays done")
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    c = ctx.wrap_socket(udp_connect(PORT), server_hostname="localhost")
    c.send(b"after the strays")
    c.close()
    print("client done")
