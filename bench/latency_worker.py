# One side of the latency rows (issue 16, bench/latency_rows.py): write-size sweep,
# first reply after the handshake, requests-style small writes. Runs on our MicroPython
# and on CPython alike, on top of tls_worker.py's shims (contexts, read/write, sockets).
#
# usage: <interpreter> latency_worker.py ROLE PORT [KEY=VALUE ...]
# Servers print "ready" once listening and serve until killed; clients print one JSON
# line with their measurements.
import json
import sys

import tls_worker as W

T = W.T


def recv(s, n):
    # What one read of the connection gives, up to n bytes, b"" at the end (MicroPython's
    # read(n) and readinto() wait for all n; our SSLSocket's recv() is read1()).
    return s.recv(n)


SINK = memoryview(bytearray(65536))


def read_exactly(s, n):
    got = 0
    while got < n:
        k = W.readinto(s, SINK[: min(n - got, len(SINK))])
        if not k:
            raise OSError("peer closed after %d of %d bytes" % (got, n))
        got += k


def read_to_eof(s):
    got = b""
    while True:
        try:
            chunk = recv(s, 4096)
        except OSError as e:
            # A server that closes without close_notify, or whose close crosses our
            # last read, ends the reply as EOF would.
            if got:
                return got
            raise e
        if not chunk:
            return got
        got += chunk


def connect(ctx):
    return ctx.wrap_socket(W.tcp_connect(), server_hostname="localhost")


# ---- Servers -----------------------------------------------------------------------
# echo-server: sends back whatever arrives, as it arrives (one read, one write).
# reply-server mode=line: answers each line with "ok\n"; mode=http: reads a request up to
# its blank line, answers a short HTTP/1.0 reply and closes.

HTTP_REPLY = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n"


def serve(handle):
    ctx = W.server_ctx(T.PROTOCOL_TLS_SERVER)
    ls = W.listen()
    while True:
        s, _ = ls.accept()
        try:
            ss = ctx.wrap_socket(s, server_side=True)
            handle(ss)
            ss.close()
        except OSError as e:  # a client gone mid-exchange: serve the next one
            s.close()
            sys.stderr.write("%s: %r\n" % (W.ROLE, e))


def echo(ss):
    while True:
        data = recv(ss, 65536)
        if not data:
            return
        W.write(ss, data)


def reply_lines(ss):
    pending = b""
    end = b"\r\n\r\n" if W.OPT.get("mode") == "http" else b"\n"
    while True:
        data = recv(ss, 4096)
        if not data:
            return
        pending += data
        while end in pending:
            pending = pending[pending.index(end) + len(end) :]
            if end == b"\n":
                W.write(ss, b"ok\n")
            else:
                W.write(ss, HTTP_REPLY)
                return


# ---- Clients -----------------------------------------------------------------------


def sweep_client():
    # For each write size: writes of that size, each echoed back whole before the next
    # (a request and its answer), 1 MiB in all or as many writes as `cap` allows or
    # `budget` seconds take (at least 5): seconds per MiB moved each way.
    ctx = W.client_ctx(T.PROTOCOL_TLS_CLIENT)
    sizes = [int(x) for x in W.OPT["sizes"].split(",")]
    cap = int(W.OPT.get("cap", "1000"))
    budget = float(W.OPT.get("budget", "2"))
    ss = connect(ctx)
    payload = memoryview(bytes(range(256)) * 256)
    W.write(ss, payload[:1])  # warm-up: the handshake's last flight and tickets out of the timing
    read_exactly(ss, 1)
    results = {}
    for size in sizes:
        block = payload[:size] if size <= len(payload) else memoryview(bytes(size))
        writes = max(1, min((1 << 20) // size, cap))
        done = 0
        t0 = W.now()
        while done < writes and (done < 5 or W.elapsed_s(t0) < budget):
            W.write(ss, block)
            read_exactly(ss, size)
            done += 1
        t = W.elapsed_s(t0)
        results[str(size)] = {"writes": done, "bytes": done * size, "seconds": t}
    out = {"sizes": results, "cipher": W.cipher_name(ss), "version": W.version_name(ss)}
    ss.close()
    W.out(json.dumps(out))


def first_reply_client():
    # n connections (after one warm-up): each handshake done, then the time from the
    # first write of a line to the first byte of the server's answer.
    ctx = W.client_ctx(T.PROTOCOL_TLS_CLIENT)
    n = int(W.OPT.get("n", "10"))
    times = []
    version = None
    for i in range(n + 1):
        ss = connect(ctx)
        t0 = W.now()
        W.write(ss, b"ping\n")
        if not W.read(ss, 1):
            raise OSError("no reply")
        t = W.elapsed_s(t0)
        version = W.version_name(ss)
        ss.close()
        if i:
            times.append(t)
    W.out(json.dumps({"seconds": times, "version": version}))


# A GET as micropython-lib's requests writes it: method, path, version line, then each
# header in pieces, eleven write() calls in all.
REQUEST_PIECES = (b"GET", b" /", b"index.txt", b" HTTP/1.0\r\n", b"Host: localhost\r\n",
                  b"User-Agent", b": ", b"mpssl-bench", b"\r\n", b"Accept: */*\r\n",
                  b"Connection: close\r\n\r\n")


def requests_client():
    # n connections (after one warm-up): each handshake done, then the time from the first
    # of the eleven writes to the end of the server's reply.
    ctx = W.client_ctx(T.PROTOCOL_TLS_CLIENT)
    n = int(W.OPT.get("n", "10"))
    times = []
    for i in range(n + 1):
        ss = connect(ctx)
        t0 = W.now()
        for piece in REQUEST_PIECES:
            W.write(ss, piece)
        reply = read_to_eof(ss)
        t = W.elapsed_s(t0)
        ss.close()
        if not reply.startswith(b"HTTP/1.") or not reply.endswith(b"ok\n"):
            raise OSError("unexpected reply %r" % reply[:80])
        if i:
            times.append(t)
    W.out(json.dumps({"seconds": times}))


ROLES = {
    "echo-server": lambda: serve(echo),
    "reply-server": lambda: serve(reply_lines),
    "sweep-client": sweep_client,
    "first-reply-client": first_reply_client,
    "requests-client": requests_client,
}
ROLES[W.ROLE]()
