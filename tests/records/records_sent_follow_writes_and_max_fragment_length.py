# The records our client and our server send, as CPython's OpenSSL receives them (instance1
# measures each record's header before handing it to OpenSSL through a MemoryBIO). A 64 KiB
# write goes out in full 16 KiB records when the peer agreed to no smaller ones: the output
# buffer, 4 KiB through the handshake, grows for it (patches/mbedtls/0017). With our client's
# max_fragment_length of 4096 the records stay at 4 KiB. Either way the data arrives intact,
# 64 KiB come back (in the record size the client asked for), and the heap the client
# connection keeps stays at most upstream MicroPython's, half of it with max_fragment_length:
# the output buffer gives its room back when the input buffer grows for the reply.
# Ours listens for every connection (the TLS roles do not follow who dialled).
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
from _common import client_context, dial, listen, recv_exact, server_context
from _observed import Observed

BLOCK = bytes(range(256)) * 256  # 64 KiB
SUITES = {"1.2": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "1.3": "TLS_AES_128_GCM_SHA256"}
# The first connection also makes what the module keeps for all of them (PSA's key slots):
# the heap is measured from the second on.
CLIENT_CASES = [("1.3", None), ("1.2", None), ("1.3", None), ("1.2", 4096), ("1.3", 4096)]
SERVER_CASES = ["1.2", "1.3"]
# Upstream MicroPython 1.25's tls: heap kept by one client connection (bench/results.md).
UPSTREAM = 25559


def instance0():
    import gc

    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for case, (version, mfl) in enumerate(CLIENT_CASES):
        conn, _ = lsock.accept()
        gc.collect()
        before = gc.mem_alloc()
        ctx = client_context()
        ctx.set_ciphers([SUITES[version]])
        ctx.max_fragment_length = mfl
        s = ctx.wrap_socket(conn, server_hostname="localhost")
        s.write(BLOCK)
        gc.collect()
        after_write = gc.mem_alloc() - before
        intact = recv_exact(s, len(BLOCK)) == BLOCK
        gc.collect()
        after_read = gc.mem_alloc() - before
        s.write(b"end")
        s.close()
        limit = UPSTREAM if mfl is None else UPSTREAM // 2
        print("client TLS", version, "max_fragment_length", mfl, "reply intact:", intact)
        if case:
            print("  heap after 64 KiB out within", limit, after_write <= limit)
            print("  heap after 64 KiB back within", limit, after_read <= limit)
    ctx = server_context()
    for version in SERVER_CASES:
        conn, _ = lsock.accept()
        s = ctx.wrap_socket(conn, server_side=True)
        got = recv_exact(s, 5)
        s.write(BLOCK)
        print("server TLS", version, "got", got, "reply", recv_exact(s, 3))
        s.close()
    lsock.close()


def instance1():
    import ssl

    multitest.next()
    for version, mfl in CLIENT_CASES:
        ctx = server_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
        peer = Observed(dial(PORT), ctx, server_side=True)
        peer.call(peer.obj.do_handshake)
        got = peer.read_exact(len(BLOCK))
        print("from client TLS", version, "max_fragment_length", mfl, "intact:", got == BLOCK)
        print("  records:", peer.data_records())
        peer.call(peer.obj.write, BLOCK)
        peer.read_exact(3)
        peer.sock.close()
    for version in SERVER_CASES:
        ctx = client_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
        peer = Observed(dial(PORT), ctx, server_side=False)
        peer.call(peer.obj.do_handshake)
        peer.call(peer.obj.write, b"hello")
        got = peer.read_exact(len(BLOCK))
        print("from server TLS", version, "intact:", got == BLOCK)
        print("  records:", peer.data_records())
        peer.call(peer.obj.write, b"end")
        peer.sock.close()
