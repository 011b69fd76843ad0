# DTLS over a lossy path: a proxy (instance1, CPython) between client and
# server drops 20% of datagrams and duplicates and reorders others. The
# handshake still completes on retransmissions, and every message gets
# through with the application's own retries.
import sys

sys.path.append(".")
import select
import time
import ssl
from _dtls import cert, udp_bind, udp_connect, accept

COUNT = 10


def poll_recv(s, ms):
    # One record's data, or None if none arrives within ms.
    p = select.poll()
    p.register(s, select.POLLIN)
    if p.poll(ms):
        return s.recv(256)
    return None


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
    multitest.wait("proxy done")


def instance1():
    # The lossy proxy (CPython): client <-> front socket, back socket <-> server.
    import random
    import socket

    rng = random.Random(2026)
    front, fport = udp_bind(200)
    back = udp_connect(PORT)
    multitest.globals(PROXY=fport)
    multitest.next()
    client = None
    held = {front: None, back: None}
    stats = {"dropped": 0, "duplicated": 0, "reordered": 0}
    idle_since = time.time()
    alive_at = 0
    # Runs until the path has been quiet for 2 s; both ends wait for it, so a
    # broadcast (not output, but it keeps the runner waiting) never goes to
    # an instance that has finished.
    while time.time() - idle_since < 2:
        if time.time() - alive_at > 2:
            multitest.broadcast("proxy alive")
            alive_at = time.time()
        ready, _, _ = select.select([front, back], [], [], 0.2)
        for src in ready:
            try:
                data, addr = src.recvfrom(4096)
            except ConnectionRefusedError:
                continue  # an end has closed; what was in flight is lost
            idle_since = time.time()
            if src is front:
                client = addr

            def out(d):
                if src is front:
                    back.send(d)
                else:
                    front.sendto(d, client)

            roll = rng.random()
            if roll < 0.2:
                stats["dropped"] += 1
                continue
            if roll < 0.3 and held[src] is None:
                held[src] = data  # goes out after the next datagram
                stats["reordered"] += 1
                continue
            out(data)
            if roll < 0.4:
                out(data)
                stats["duplicated"] += 1
            if held[src] is not None:
                out(held[src])
                held[src] = None
    multitest.broadcast("proxy done")
    print("proxy: dropped, duplicated and reordered:", all(v > 0 for v in stats.values()))


def instance2():
    multitest.next()
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    s = ctx.wrap_socket(udp_connect(PROXY), server_hostname="localhost")
    print("client: handshake done")
    s.setblocking(False)
    delivered = 0
    for i in range(COUNT):
        msg = b"message %d" % i
        for attempt in range(30):
            s.send(msg)
            reply = poll_recv(s, 300)
            while reply is not None and reply != msg.upper():
                reply = poll_recv(s, 50)  # a stale echo of an earlier attempt
            if reply == msg.upper():
                delivered += 1
                break
    print("client: echoed", delivered, "of", COUNT)
    try:
        for _ in range(5):
            s.send(b"bye")
            time.sleep(0.05)
    except OSError:
        pass  # the server has gone after the first one
    s.close()
    multitest.wait("proxy done")
