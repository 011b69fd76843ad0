# The heap one connection keeps at each end, our client against our server, after the
# handshake and a line each way (gc.mem_alloc(); the first connection, which also makes what
# the module keeps for all of them, is not counted). Each end keeps at most half of what
# upstream MicroPython's client connection keeps: our server grants the client's
# max_fragment_length request (in TLS 1.3 since patches/mbedtls/0016), and the input buffers
# grow only for the records that arrive (0015); a line is a small record. MicroPython at both
# ends: skipped against CPython.
import gc
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, dial, listen, server_context

# Upstream MicroPython 1.25's tls: heap kept by one client connection (bench/results.md).
UPSTREAM = 25559
TLS12 = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]
# (label, client ciphers, the largest heap allowed at either end)
PLAN = (("TLS 1.2", TLS12, UPSTREAM // 2), ("TLS 1.3", None, UPSTREAM // 2))


def heap_of(wrap, talk):
    # The heap kept by the connection that wrap() opens, once talk(it) has run.
    gc.collect()
    before = gc.mem_alloc()
    s = wrap()
    talk(s)
    gc.collect()
    heap = gc.mem_alloc() - before
    s.close()
    return heap


def echo(s):
    s.write(s.readline())


def ping(s):
    s.write(b"ping\n")
    s.readline()


def instance0():
    if not hasattr(gc, "mem_alloc"):
        multitest.skip()
    lsock, port = listen()
    ctx = server_context()
    multitest.globals(PORT=port)
    multitest.next()
    for label, _, limit in (("warm-up", None, None),) + PLAN:
        conn, _ = lsock.accept()
        heap = heap_of(lambda: ctx.wrap_socket(conn, server_side=True), echo)
        if limit:
            print("server", label, "heap within", limit, "bytes:", heap <= limit)
    lsock.close()


def instance1():
    if not hasattr(gc, "mem_alloc"):
        multitest.skip()
    multitest.next()
    for label, ciphers, limit in (("warm-up", None, None),) + PLAN:
        ctx = client_context()
        if ciphers:
            ctx.set_ciphers(ciphers)
        sock = dial(PORT)
        heap = heap_of(lambda: ctx.wrap_socket(sock, server_hostname="localhost"), ping)
        if limit:
            print("client", label, "heap within", limit, "bytes:", heap <= limit)
