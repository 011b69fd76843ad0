# verify_callback receives each certificate as bytes that own their memory: a callback that
# keeps its argument (and a slice and a memoryview of it) reads the same bytes after the
# handshake, once Mbed TLS has freed the peer's chain and the heap has been reused. (It was a
# memoryview into Mbed TLS's memory: reading it later crashed or gave other bytes.)
import gc
from _safety import TLS12, TLS13, client_context, server_context, pair, connect, data

kept = []


def keep(cert, depth):
    kept.append((depth, cert, cert[:16], memoryview(cert)))
    return 0


for suite in (TLS12, TLS13):
    kept.clear()
    ctx = client_context(suite)
    ctx.verify_callback = keep
    client, server = pair(ctx, server_context())
    print(suite, connect(client, server))
    client.close()
    server.close()
    client = server = None
    gc.collect()
    junk = [bytearray(b"\xee" * 600) for _ in range(200)]  # reuse the freed heap
    expected = {0: data("server_ec.crt.der"), 1: data("ca.crt.der")}
    for depth, cert, head, view in kept:
        print(" depth", depth, type(cert).__name__, cert == expected[depth], head == expected[depth][:16], bytes(view) == expected[depth])
    junk = None
