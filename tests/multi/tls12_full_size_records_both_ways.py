# TLS 1.2 records of the full 16 kB, in both directions, after the handshake: a client that
# asked for no max_fragment_length (CPython never does; ours with max_fragment_length = None)
# sends 40 kB in one write and the server answers with 40 kB in one write. Whichever end
# shrinks its record buffers after the handshake must not shrink them below what the other
# end may send. Then the same with our client's default request of 4096: both servers here
# (ours and CPython's OpenSSL) grant it, so the 40 kB go each way in records of at most 4 kB and
# each end's buffers hold the agreed size. A server that ignores the request is the peer of
# tests/ssl/client_takes_full_records_from_server_ignoring_max_fragment_length.py.
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, dial, listen, recv_exact, server_context

BLOCK = bytes(range(256)) * 160  # 40 kB
TLS12 = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]


def tls12_only(ctx):
    if hasattr(ctx, "maximum_version"):  # CPython
        import ssl

        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    else:
        ctx.set_ciphers(TLS12)


def instance0():
    lsock, port = listen()
    ctx = server_context()
    tls12_only(ctx)
    multitest.globals(PORT=port)
    multitest.next()
    for _ in range(2):
        conn, _ = lsock.accept()
        s = ctx.wrap_socket(conn, server_side=True)
        got = recv_exact(s, len(BLOCK))
        print("server received intact:", got == BLOCK, s.cipher()[1])
        s.sendall(BLOCK)
        recv_exact(s, 3)
        s.close()
    lsock.close()


def instance1():
    multitest.next()
    for ask in (None, 4096):
        ctx = client_context()
        tls12_only(ctx)
        if hasattr(ctx, "max_fragment_length"):  # ours
            ctx.max_fragment_length = ask
        s = ctx.wrap_socket(dial(PORT), server_hostname="localhost")
        s.sendall(BLOCK)
        print("client received intact:", recv_exact(s, len(BLOCK)) == BLOCK)
        s.sendall(b"end")
        s.close()
