# 1 MiB from a CPython TLS server read through asyncio with read(1024), read(4096) and
# read(16384): every byte arrives, in order (SHA-256 of the whole against the sender's). With the
# SSLSocket polled every millisecond this passed too, only slower (docs/latency.md has the
# numbers; bench/run.py's asyncio bulk rows measure them against CPython's asyncio).
# MicroPython listens (the harness passes the port forward only); CPython dials and is the TLS
# server; our client wraps the accepted socket and reads through asyncio.StreamReader.
import hashlib
import sys

sys.path.append("../ssl")
from _common import client_context, dial, listen, server_context

SIZES = (1024, 4096, 16384)
TOTAL = 1024 * 1024
CHUNK = 65536


def chunk(k):
    return hashlib.sha256(b"%d" % k).digest() * (CHUNK // 32)


def expected_digest():
    h = hashlib.sha256()
    for k in range(TOTAL // CHUNK):
        h.update(chunk(k))
    return h.digest()


async def read_all(reader, size):
    h = hashlib.sha256()
    got = 0
    largest = 0
    while True:
        data = await reader.read(size)
        if not data:
            break
        h.update(data)
        got += len(data)
        largest = max(largest, len(data))
    return got, h.digest(), largest


def instance0():
    # MicroPython: our client, under asyncio.
    import asyncio

    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    want = expected_digest()
    ctx = client_context()
    for size in SIZES:
        conn, _ = lsock.accept()
        s = ctx.wrap_socket(conn, server_hostname="localhost", do_handshake_on_connect=False)
        s.setblocking(False)
        got, digest, largest = asyncio.run(read_all(asyncio.StreamReader(s), size))
        print("read(%d):" % size, got, "bytes, intact", digest == want, "no read past its size", largest <= size)
        s.close()
    lsock.close()


def instance1():
    # CPython: the TLS server, writing 1 MiB then closing.
    multitest.next()
    ctx = server_context()
    for size in SIZES:
        s = ctx.wrap_socket(dial(PORT), server_side=True)
        for k in range(TOTAL // CHUNK):
            s.sendall(chunk(k))
        s.close()
    print("server sent", len(SIZES), "x", TOTAL)
