# DTLS over a lossy path: a proxy (instance1, CPython) between client and
# server drops 20% of datagrams and duplicates and reorders others. The
# handshake still completes on retransmissions, and every message gets
# through with the application's own retries.
import sys

sys.path.append(".")
import time
import ssl
from _dtls import cert, udp_bind, udp_connect, accept, poll_recv, lossy_proxy, echo_with_retries

COUNT = 10


def instance0():
    sock, port = udp_bind()
    multitest.globals(PORT=port)
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    ctx.load_cert_chain(cert("server_ec.crt.der"), cert("server_ec.key.der"))
    multitest.next()
    s = accept(ctx, sock, verbose=False)
    print("server: handshake done")
    s.setblocking(False)
    seen = set()
    deadline = time.time() + 60
    while time.time() < deadline:
        data = poll_recv(s, 200)
        if data == b"bye":
            break
        if data:
            seen.add(data)
            s.send(data.upper())
    print("server: got all", COUNT, "records:", len(seen) == COUNT)
    s.close()
    multitest.broadcast("done server")
    multitest.wait("done proxy")


def instance1():
    print("proxy: dropped, duplicated and reordered:", lossy_proxy(multitest, PORT, 200))


def instance2():
    multitest.next()
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    s = ctx.wrap_socket(udp_connect(PROXY), server_hostname="localhost")
    print("client: handshake done")
    s.setblocking(False)
    delivered = echo_with_retries(s, COUNT, lambda m: m.upper())
    print("client: echoed", delivered, "of", COUNT)
    try:
        for _ in range(5):
            s.send(b"bye")
            time.sleep(0.05)
    except OSError:
        pass  # the server has gone after the first one
    s.close()
    multitest.broadcast("done client")
    multitest.wait("done proxy")
