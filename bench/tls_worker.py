# One side of one benchmark, run by bench/run.py. The same script runs on our
# MicroPython, on the reference MicroPython (upstream's tls module) and on
# CPython (ssl): the differences between the three APIs live in the shims
# below, the measured work is identical.
#
# usage: <interpreter> tls_worker.py ROLE PORT [KEY=VALUE ...]
# Servers print "ready" once listening and serve until killed; clients print
# one JSON line with their measurements.
import sys
import socket
import json

try:
    import tls as T  # ours and upstream's alike; client default CERT_REQUIRED

    MICROPYTHON = True
    import gc
    import micropython
    import time

    def now():
        return time.ticks_us()

    def elapsed_s(t0):
        return time.ticks_diff(time.ticks_us(), t0) / 1e6

except ImportError:
    import ssl as T
    import time

    MICROPYTHON = False

    def now():
        return time.perf_counter()

    def elapsed_s(t0):
        return time.perf_counter() - t0


ROLE = sys.argv[1]
PORT = int(sys.argv[2])
OPT = dict(a.split("=", 1) for a in sys.argv[3:])
CERTS = OPT.get("certs", "build/certs")
ADDR = socket.getaddrinfo("127.0.0.1", PORT)[0][-1]
TCP_NODELAY = getattr(socket, "TCP_NODELAY", 1)
IPPROTO_TCP = getattr(socket, "IPPROTO_TCP", 6)
MSG_PEEK = getattr(socket, "MSG_PEEK", 2)  # Linux's value, if the module lacks it


def out(line):
    sys.stdout.write(line + "\n")
    try:
        sys.stdout.flush()
    except AttributeError:
        pass


def der(name):
    with open(CERTS + "/" + name, "rb") as f:
        return f.read()


def server_ctx(protocol):
    ctx = T.SSLContext(protocol)
    cert = OPT.get("cert", "server_ec")
    if MICROPYTHON:
        ctx.load_cert_chain(der(cert + ".crt.der"), der(cert + ".key.der"))
    else:
        ctx.load_cert_chain(CERTS + "/" + cert + ".crt.pem", CERTS + "/" + cert + ".key.pem")
    return ctx


def client_ctx(protocol):
    ctx = T.SSLContext(protocol)
    ca = der("ca.crt.der")
    if "cafile" in OPT:  # a CA bundle or trust store (the truststore rows)
        ctx.load_verify_locations(cafile=OPT["cafile"])
    else:
        try:
            ctx.load_verify_locations(cadata=ca)
        except TypeError:  # upstream takes cadata positionally only
            ctx.load_verify_locations(ca)
    ciphers = OPT.get("ciphers")
    version = OPT.get("version")
    if MICROPYTHON:
        if ciphers:
            ctx.set_ciphers(ciphers.split(","))
        if OPT.get("mfl") == "none" and hasattr(ctx, "max_fragment_length"):
            ctx.max_fragment_length = None  # ours: ask the server for nothing
    else:
        if version == "1.2":
            ctx.maximum_version = T.TLSVersion.TLSv1_2
        elif version == "1.3":
            ctx.minimum_version = T.TLSVersion.TLSv1_3
        if ciphers and version == "1.2":
            ctx.set_ciphers(ciphers)
        # TLS 1.3 suites cannot be chosen through CPython's ssl: run.py
        # passes an OPENSSL_CONF naming the one suite.
    return ctx


def nodelay(sock):
    if OPT.get("nodelay") == "1":
        sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)


def read(s, n):
    return s.read(n) if MICROPYTHON else s.recv(n)


def readinto(s, buf):
    if MICROPYTHON:
        return s.readinto(buf)
    return s.recv_into(buf)


def write(s, data):
    if MICROPYTHON:
        s.write(data)
    else:
        s.sendall(data)


def cipher_name(s):
    try:
        return s.cipher()[0]
    except (AttributeError, TypeError):
        return None


def version_name(s):
    try:
        return s.cipher()[1]
    except (AttributeError, TypeError):
        return None


def listen():
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(ADDR)
    ls.listen(16)
    out("ready")
    return ls


def tcp_connect():
    s = socket.socket()
    nodelay(s)
    s.connect(ADDR)
    return s


# ---- Handshakes: connect, handshake, one byte each way, close -------------
# Full ones, or with resume=1 resumed ones: each connection offers the session
# the one before it gave (read after the echo: a TLS 1.3 ticket arrives after
# the handshake).


def hs_server():
    ctx = server_ctx(T.PROTOCOL_TLS_SERVER)
    ls = listen()
    while True:
        s, _ = ls.accept()
        nodelay(s)
        try:
            ss = ctx.wrap_socket(s, server_side=True)
            read(ss, 1)
            write(ss, b"y")
            ss.close()
        except OSError as e:
            s.close()
            sys.stderr.write("hs-server: %r\n" % (e,))


def hs_once(ctx, resume, session=None):
    # (cipher, version, resumed?, session to offer next)
    kw = {"session": session} if session is not None else {}
    ss = ctx.wrap_socket(tcp_connect(), server_hostname="localhost", **kw)
    write(ss, b"x")
    if read(ss, 1) != b"y":
        raise OSError("no echo")
    info = (cipher_name(ss), version_name(ss), resume and ss.session_reused, ss.session if resume else None)
    ss.close()
    return info


def cpu_seconds():
    # This process's user + system CPU time (Linux /proc; clock ticks of 10 ms), or None:
    # what a client's own work costs, whatever else the machine runs meanwhile.
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / 100
    except (OSError, IndexError, ValueError):
        return None


def hs_client():
    ctx = client_ctx(T.PROTOCOL_TLS_CLIENT)
    n = int(OPT.get("n", "20"))
    resume = OPT.get("resume") == "1"
    info = hs_once(ctx, resume)  # warm-up: first-use costs out of the timing
    session = info[3]
    reused = 0
    t0 = now()
    cpu0 = cpu_seconds()
    for _ in range(n):
        _, _, resumed, session = hs_once(ctx, resume, session)
        reused += resumed
    t = elapsed_s(t0)
    cpu = cpu_seconds() - cpu0 if cpu0 is not None else None
    out(json.dumps({"n": n, "seconds": t, "cpu": cpu, "cipher": info[0], "version": info[1], "reused": reused}))


def trust_load():
    # The fastest of n loads of OPT["cafile"] into a fresh client context (ms), and the heap
    # the last context keeps (MicroPython: gc.mem_alloc(); CPython: not measured).
    n = int(OPT.get("n", "20"))
    best = None
    kept = None
    for _ in range(n):
        if MICROPYTHON:
            gc.collect()
            before = gc.mem_alloc()
        t0 = now()
        ctx = T.SSLContext(T.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(cafile=OPT["cafile"])
        t = elapsed_s(t0) * 1000
        best = t if best is None else min(best, t)
        if MICROPYTHON:
            gc.collect()
            kept = gc.mem_alloc() - before
        del ctx
    out(json.dumps({"ms": best, "heap": kept}))


# ---- Sessions kept as bytes (ours only): SSLSession.serialize() / SSLSession(data) ----
# mode=save: one full handshake through a byte-counting stream, its session written to the
# file session=PATH. mode=load, in a new process (as after a reset): n handshakes resuming
# from SSLSession(the file's bytes), parse included, and n full ones, timed alike on plain
# sockets; then one of each through the counting stream for the bytes on the wire.


def counted_stream(sock):
    # A stream over a blocking socket that counts the TLS bytes each way.
    import io

    class Counted(io.IOBase):
        sent = received = 0

        def readinto(self, buf):
            n = sock.readinto(buf)
            self.received += n or 0
            return n

        def write(self, buf):
            n = sock.write(buf)
            self.sent += n or 0
            return n

        def ioctl(self, req, arg):
            return arg if req == 3 else 0  # MP_STREAM_POLL: blocking, always ready

    return Counted()


def session_once(ctx, session=None, counted=False):
    # (resumed?, session, bytes sent, bytes received)
    sock = tcp_connect()
    stream = counted_stream(sock) if counted else sock
    ss = ctx.wrap_socket(stream, server_hostname="localhost", session=session)
    write(ss, b"x")
    if read(ss, 1) != b"y":
        raise OSError("no echo")
    resumed, late = ss.session_reused, ss.session
    ss.close()
    sock.close()
    return resumed, late, getattr(stream, "sent", 0), getattr(stream, "received", 0)


def session_client():
    ctx = client_ctx(T.PROTOCOL_TLS_CLIENT)
    path = OPT["session"]
    if OPT["mode"] == "save":
        _, session, sent, received = session_once(ctx, counted=True)
        blob = session.serialize()
        with open(path, "wb") as f:
            f.write(blob)
        out(json.dumps({"sent": sent, "received": received, "blob": len(blob)}))
        return
    with open(path, "rb") as f:
        blob = f.read()
    n = int(OPT.get("n", "20"))
    seconds = {}
    for kind in ("resumed", "full"):
        reused = 0
        t0 = now()
        for _ in range(n):
            session = T.SSLSession(blob) if kind == "resumed" else None
            reused += session_once(ctx, session)[0]
        seconds[kind] = elapsed_s(t0) / n
        if reused != (n if kind == "resumed" else 0):
            raise OSError("%s: %d of %d handshakes resumed" % (kind, reused, n))
    r = {"seconds": seconds, "blob": len(blob)}
    for kind, session in (("resumed", T.SSLSession(blob)), ("full", None)):
        _, _, r[kind + "_sent"], r[kind + "_received"] = session_once(ctx, session, counted=True)
    out(json.dumps(r))


# ---- Bulk: one way, client to server, then a one-byte acknowledgement -----

CHUNK = 16384


def bulk_server():
    ctx = server_ctx(T.PROTOCOL_TLS_SERVER)
    ls = listen()
    total = int(OPT["bytes"])
    buf = bytearray(CHUNK)
    mv = memoryview(buf)
    while True:
        s, _ = ls.accept()
        ss = ctx.wrap_socket(s, server_side=True)
        got = 0
        while got < total:
            n = readinto(ss, mv[: min(CHUNK, total - got)])
            if not n:
                break
            got += n
        write(ss, b"k")
        ss.close()


def bulk_client():
    ctx = client_ctx(T.PROTOCOL_TLS_CLIENT)
    total = int(OPT["bytes"])
    ss = ctx.wrap_socket(tcp_connect(), server_hostname="localhost")
    data = memoryview(bytes(range(256)) * (CHUNK // 256))
    t0 = now()
    sent = 0
    while sent < total:
        write(ss, data)
        sent += CHUNK
    if read(ss, 1) != b"k":
        raise OSError("no acknowledgement")
    t = elapsed_s(t0)
    out(json.dumps({"bytes": sent, "seconds": t, "cipher": cipher_name(ss), "version": version_name(ss)}))
    ss.close()


# ---- Memory: one client connection, held open -----------------------------
# The GC heap is measured here (gc.mem_alloc for what stays, MicroPython's
# allocation statistics for the peak); libc's heap by valgrind massif in
# run.py, which ends this process with SIGTERM while the connection is open.


LONG_LINE = b"x" * 15000 + b"\n"


def mem_client():
    ctx = client_ctx(T.PROTOCOL_TLS_CLIENT)
    connect = OPT.get("connect") == "1"
    sock = None
    if MICROPYTHON:
        gc.collect()
        alloc0 = gc.mem_alloc()
        # mem_peak() is a high-water mark of bytes handed out: raise the
        # current count to it, so that the next rise is the handshake's.
        gap = micropython.mem_peak() - micropython.mem_current()
        if gap > 0:
            bytearray(gap)
        cur0 = micropython.mem_current()
    if connect:
        sock = ctx.wrap_socket(tcp_connect(), server_hostname="localhost")
        if OPT.get("long") == "1":
            # The peer (openssl s_server -rev) answers the line reversed, in
            # one record: the input buffer must hold it.
            write(sock, LONG_LINE)
            got = 0
            while got < len(LONG_LINE):
                got += len(read(sock, len(LONG_LINE) - got))
        else:
            write(sock, b"x")
    result = {}
    if MICROPYTHON:
        result["gc_peak"] = micropython.mem_peak() - cur0
        gc.collect()
        result["gc_established"] = gc.mem_alloc() - alloc0
    if sock is not None:
        result["cipher"] = cipher_name(sock)
        result["version"] = version_name(sock)
    out(json.dumps(result))
    while True:  # hold the connection until run.py ends the process
        time.sleep(1)


# ---- DTLS: handshake time, then one byte each way ---------------------------


def dtls_server():
    ctx = server_ctx(T.PROTOCOL_DTLS_SERVER)
    first = True
    while True:
        us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        us.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        us.bind(ADDR)
        if first:
            out("ready")
            first = False
        while True:
            # The documented dance: peek at the ClientHello, connect back,
            # wrap with the client's address; ours answers the first attempt
            # with HelloVerifyRequest (OSError), the retry completes.
            _, peer = us.recvfrom(1, MSG_PEEK)
            us.connect(peer)
            try:
                try:
                    ss = ctx.wrap_socket(us, server_side=True, client_id=repr(peer).encode())
                except TypeError:  # upstream: no client_id, no HelloVerify
                    ss = ctx.wrap_socket(us, server_side=True)
                break
            except OSError as e:
                if "Hello Verify" not in str(e):
                    raise
        read(ss, 1)
        write(ss, b"y")
        # Wait for the client's close_notify (upstream sends none: bounded
        # wait): once rebound, the next socket must not receive this
        # client's last datagram as a ClientHello.
        us.settimeout(0.2)
        try:
            read(ss, 1)
        except OSError:
            pass
        ss.close()


def dtls_client():
    ctx = client_ctx(T.PROTOCOL_DTLS_CLIENT)
    n = int(OPT.get("n", "10"))
    times = []
    refused = 0
    while len(times) < n + 1:
        time.sleep(0.05)  # let the server bind its next socket
        us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        us.connect(ADDR)
        t0 = now()
        try:
            ss = ctx.wrap_socket(us, server_hostname="localhost")
        except OSError as e:
            # The server was not bound again yet (ICMP port unreachable):
            # not a measurement, try again.
            us.close()
            refused += 1
            if refused > 100 or "111" not in str(e.args[0]) + str(e):
                sys.stderr.write("dtls-client: %r\n" % (e,))
                raise
            continue
        write(ss, b"x")
        if read(ss, 1) != b"y":
            raise OSError("no echo")
        times.append(elapsed_s(t0))
        refused = 0
        ss.close()
    times = times[1:]  # the first is a warm-up
    out(json.dumps({"seconds": times}))


# ---- asyncio bulk: a request for N bytes, read through asyncio ------------
# The server (any implementation, blocking) answers each line "N" with N bytes
# on one connection; the client, under its asyncio, asks once for 1 byte (the
# handshake and any TLS 1.3 tickets), then times `reps` transfers of `bytes`,
# each read with reader.read(`read`) until all arrived.


def aio_server():
    ctx = server_ctx(T.PROTOCOL_TLS_SERVER)
    ls = listen()
    block = bytes(range(256)) * (CHUNK // 256)
    while True:
        s, _ = ls.accept()
        ss = ctx.wrap_socket(s, server_side=True)
        f = ss if MICROPYTHON else ss.makefile("rb")
        try:
            while True:
                line = f.readline()
                if not line:
                    break
                left = int(line)
                while left > 0:
                    write(ss, block[: min(CHUNK, left)])
                    left -= CHUNK
            if not MICROPYTHON:
                ss.unwrap()  # CPython's asyncio client waits for our close_notify
        except OSError:
            pass
        ss.close()


def aio_client():
    import asyncio

    ctx = client_ctx(T.PROTOCOL_TLS_CLIENT)
    total = int(OPT["bytes"])
    size = int(OPT["read"])

    async def fetch(reader, writer, n):
        writer.write(b"%d\n" % n)
        await writer.drain()
        got = 0
        while got < n:
            data = await reader.read(size)
            if not data:
                raise OSError("connection closed after %d of %d bytes" % (got, n))
            got += len(data)

    async def main():
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT, ssl=ctx, server_hostname="localhost")
        await fetch(reader, writer, 1)
        times = []
        for _ in range(int(OPT.get("reps", "5"))):
            t0 = now()
            await fetch(reader, writer, total)
            times.append(elapsed_s(t0))
        writer.close()
        await writer.wait_closed()
        return times

    out(json.dumps({"bytes": total, "seconds": asyncio.run(main())}))


ROLES = {
    "hs-server": hs_server,
    "hs-client": hs_client,
    "session-client": session_client,
    "trust-load": trust_load,
    "bulk-server": bulk_server,
    "bulk-client": bulk_client,
    "mem-client": mem_client,
    "dtls-server": dtls_server,
    "dtls-client": dtls_client,
    "aio-server": aio_server,
    "aio-client": aio_client,
}
if __name__ == "__main__":  # latency_worker.py imports the shims above
    ROLES[ROLE]()
