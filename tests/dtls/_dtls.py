# Helpers for the DTLS tests (two or three instances under run-multitests.py;
# runs on MicroPython and CPython). Certificates come from tools/make-certs.sh
# through MPSSL_CERTS, ports from MPSSL_PORT_BASE (see tools/run-tests.py).
import os
import socket

CERTS = os.getenv("MPSSL_CERTS")


def cert(name):
    with open(CERTS + "/" + name, "rb") as f:
        return f.read()


def udp_bind(offset=100):
    # A UDP socket bound on loopback to a free port, and the port.
    base = int(os.getenv("MPSSL_PORT_BASE")) + offset
    for port in range(base, base + 100):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(socket.getaddrinfo("127.0.0.1", port)[0][-1])
            return s, port
        except OSError:
            s.close()
    raise OSError("no free UDP port")


def udp_connect(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
    return s


def accept(ctx, sock, verbose=True):
    # The documentation's DTLS server dance: peek at the client's first
    # datagram, connect back, wrap with its address as client_id; the first
    # attempt raises "Hello Verify Required" and the retry succeeds.
    while True:
        _, client_addr = sock.recvfrom(1, socket.MSG_PEEK)
        sock.connect(client_addr)
        try:
            return ctx.wrap_socket(sock, server_side=True, client_id=repr(client_addr).encode())
        except OSError as e:
            if verbose:
                print("server:", e.args[-1])
            if "Hello Verify" not in e.args[-1]:
                raise


def free_udp_port(offset):
    # A port free for a server that binds it itself (with SO_REUSEADDR).
    s, port = udp_bind(offset)
    s.close()
    return port


def server_context(name="server_ec"):
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    ctx.load_cert_chain(cert(name + ".crt.der"), cert(name + ".key.der"))
    return ctx


def client_context():
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    return ctx


def live_allocations():
    # Mbed TLS's allocations alive now (a leak check; MicroPython only).
    import _mpssl_testing

    return _mpssl_testing.live_allocations()


def example_server():
    # examples/dtls_server.py, whose serve() some tests run as their server.
    import sys

    sys.path.append("../../examples")
    import dtls_server

    return dtls_server


def wait_all(names):
    # multitest.wait() for several broadcasts arriving in any order
    # (multitest.wait drops every broadcast but the one it waits for).
    import sys

    pending = set("BROADCAST " + name for name in names)
    while pending:
        pending.discard(sys.stdin.readline().rstrip())


def accept_loop(ctx, port, errors, sock=None):
    # The documentation's dance in the accept loop of examples/dtls_server.py,
    # blocking: a fresh socket per attempt (bound before the old one is
    # connected, so that no datagram meets a closed port), until a handshake
    # succeeds. Failures other than "Hello Verify Required" go to errors,
    # with the seconds their wrap_socket took. Returns the connection and the
    # socket that waits for the next client.
    import time

    def bound():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(socket.getaddrinfo("127.0.0.1", port)[0][-1])
        return s

    sock = sock or bound()
    while True:
        _, addr = sock.recvfrom(1, socket.MSG_PEEK)
        fresh = bound()
        sock.connect(addr)
        started = time.time()
        try:
            return ctx.wrap_socket(sock, server_side=True, client_id=repr(addr).encode()), fresh
        except OSError as e:
            if "Hello Verify" not in str(e):
                errors.append((e, time.time() - started))
            sock.close()
            sock = fresh


def records(datagram):
    # The DTLS records of a datagram: [content type, epoch, sequence number, body].
    out = []
    i = 0
    while i + 13 <= len(datagram):
        n = int.from_bytes(datagram[i + 11 : i + 13], "big")
        out.append([datagram[i], int.from_bytes(datagram[i + 3 : i + 5], "big"),
                    int.from_bytes(datagram[i + 5 : i + 11], "big"), datagram[i + 13 : i + 13 + n]])
        i += 13 + n
    return out


def flight(datagram, from_client):
    # Which part of a DTLS 1.2 handshake (or the data after it) a datagram
    # starts, or None.
    recs = records(datagram)
    kinds = [r[0] for r in recs]
    if not recs:
        return None
    if 20 in kinds:
        return "client finished flight" if from_client else "server finished flight"
    if kinds[0] == 23:
        return "client data" if from_client else "server data"
    if kinds[0] == 22 and recs[0][1] == 0 and recs[0][3]:
        body = recs[0][3]
        if body[0] == 1:
            # ClientHello: 12-byte handshake header, version, random, session id, cookie
            sid = 12 + 2 + 32
            cookie_len = body[sid + 1 + body[sid]]
            return "client hello with cookie" if cookie_len else "client hello"
        if body[0] == 3:
            return "hello verify"
        if body[0] == 2:
            return "server hello flight"
        if body[0] == 16:
            return "client finished flight"
    return None


def record(content_type, epoch, seq, body, length=None):
    n = len(body) if length is None else length
    return (bytes([content_type]) + b"\xfe\xfd" + epoch.to_bytes(2, "big") + seq.to_bytes(6, "big")
            + n.to_bytes(2, "big") + body)


class Proxy:
    # A UDP relay on loopback (for CPython instances): the client sends to
    # self.port, the relay forwards to the server's port, relay(datagram,
    # from_client) decides what goes where until every broadcast in `until`
    # has been heard.
    def __init__(self, server_port, offset=200):
        self.front, self.port = udp_bind(offset)
        self.server_port = server_port
        self.back = udp_connect(server_port)
        self.retired = []  # earlier backs (see move)
        self.client = None

    def move(self):
        # From now on, datagrams to the server leave from a new port (a NAT
        # rebinding); what the server still sends to the old one reaches the client.
        self.retired.append(self.back)
        self.back = udp_connect(self.server_port)

    def to_server(self, data):
        try:
            self.back.send(data)
        except ConnectionRefusedError:
            pass  # the server's port was closed a moment: a lost datagram

    def to_client(self, data):
        self.front.sendto(data, self.client)

    def forward(self, data, from_client):
        # On to the other end.
        if from_client:
            self.to_server(data)
        else:
            self.to_client(data)

    def run(self, relay, until):
        import os
        import select

        heard = b""
        while not all(b"BROADCAST " + name.encode() in heard for name in until):
            ready, _, _ = select.select([self.front, self.back, 0] + self.retired, [], [])
            for src in ready:
                if src == 0:
                    line = os.read(0, 1024)
                    if not line:
                        return  # the runner has gone
                    heard += line
                    continue
                try:
                    data, addr = src.recvfrom(65536)
                except ConnectionRefusedError:
                    continue  # an end has gone
                if src is self.front:
                    self.client = addr
                relay(data, src is self.front)
        for s in [self.front, self.back] + self.retired:
            s.close()


class Keepalive:
    # Broadcasts "alive NAME" every 3 s from a thread: the test runner gives
    # up on an instance silent for 10 s, and a DTLS handshake timeout takes
    # 15. Broadcasts go to every other instance, so none may end while
    # another's keepalive runs (see finish). Nothing else may print until
    # stop().
    def __init__(self, broadcast, name):
        import _thread

        self.running = True
        self.stopped = _thread.allocate_lock()
        self.stopped.acquire()
        _thread.start_new_thread(self.run, (broadcast, name))

    def run(self, broadcast, name):
        import time

        ticks = 0
        while self.running:
            time.sleep(0.1)
            ticks += 1
            if self.running and ticks % 30 == 0:
                broadcast("alive " + name)
        self.stopped.release()

    def stop(self):
        self.running = False
        self.stopped.acquire()


def finish(keepalive, broadcast, name, others):
    # Stops this instance's keepalive and waits until every other instance
    # has stopped its own: after that nobody broadcasts any more.
    keepalive.stop()
    broadcast("done " + name)
    wait_all(["done " + other for other in others])


def lossy_proxy(multitest, server_port, offset):
    # The proxy instance of the lossy tests (CPython): between client and
    # server it drops 20% of the datagrams, holds 10% back until the next one
    # from the same end (reordering) and sends 10% twice, until both ends are
    # done. True if it did each at least once.
    import random

    proxy = Proxy(server_port, offset)
    multitest.globals(PROXY=proxy.port)
    multitest.next()
    keepalive = Keepalive(multitest.broadcast, "proxy")
    rng = random.Random(2026)
    held = {True: None, False: None}
    stats = {"dropped": 0, "duplicated": 0, "reordered": 0}

    def relay(data, from_client):
        roll = rng.random()
        if roll < 0.2:
            stats["dropped"] += 1
            return
        if roll < 0.3 and held[from_client] is None:
            held[from_client] = data  # goes out after the next datagram
            stats["reordered"] += 1
            return
        proxy.forward(data, from_client)
        if roll < 0.4:
            proxy.forward(data, from_client)
            stats["duplicated"] += 1
        if held[from_client] is not None:
            proxy.forward(held[from_client], from_client)
            held[from_client] = None

    proxy.run(relay, ["done server", "done client"])
    keepalive.stop()
    multitest.broadcast("done proxy")
    return all(v > 0 for v in stats.values())


def echo_with_retries(s, count, echo):
    # Over a lossy path: sends b"message N" until echo(message) comes back
    # (at most 30 times each); how many came back.
    delivered = 0
    for i in range(count):
        msg = b"message %d" % i
        for attempt in range(30):
            s.send(msg)
            reply = poll_recv(s, 300)
            while reply is not None and reply != echo(msg):
                reply = poll_recv(s, 50)  # a stale echo of an earlier attempt
            if reply == echo(msg):
                delivered += 1
                break
    return delivered


def poll_recv(s, ms):
    # One record's data, or None if none arrives within ms.
    import select

    poller = select.poll()
    poller.register(s, select.POLLIN)
    if poller.poll(ms):
        return s.recv(256)
    return None
