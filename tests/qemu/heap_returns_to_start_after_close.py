# Everything a TLS or DTLS connection takes from the GC heap (Mbed TLS's
# buffers and state, through the tracked allocator) comes back after
# close() and gc.collect().
import gc
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer

full = "TLS_AES_128_GCM_SHA256" in ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ciphers()


def connection(suite):
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.verify_mode = ssl.CERT_REQUIRED
    client_ctx.load_verify_locations(cadata=C.CA)
    if suite:
        client_ctx.set_ciphers([suite])
    client, server = tls_pair(client_ctx, server_ctx, "localhost")
    transfer(client, server, b"ping")
    transfer(server, client, b"pong")
    client.close()
    server.close()


def dropped_without_close():
    # Sockets left open: their finalisers free the TLS state.
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
    client, server = tls_pair(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), server_ctx)
    transfer(client, server, b"dropped")


def scrub_stack(depth=24):
    # Calls deep enough to overwrite the stack the connections used: the GC scans the stack
    # conservatively, and a pointer left in a dead frame would keep a little garbage (a chunk of
    # a record, 16 to 160 bytes) alive, which is not a leak.
    if depth:
        scrub_stack(depth - 1)


def heap_cost(run, suite=None):
    # What run() leaves behind on the heap (globals are all bound already).
    scrub_stack()
    gc.collect()
    before = gc.mem_free()
    for i in range(3):
        run(suite)
    scrub_stack()
    gc.collect()
    return before - gc.mem_free()


suites = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]
if full:
    suites.append("TLS_AES_128_GCM_SHA256")
connection(suites[0])  # the first one seeds the shared random generator
# TLS 1.2, and TLS 1.3 in the full profile. Each kind of connection is
# made once first: one-time costs (Python's own caches) are not leaks.
costs = []
for suite in suites:
    heap_cost(connection, suite)
    costs.append(heap_cost(connection, suite))
print("heap back after closed connections:", all(cost <= 0 for cost in costs))
print("heap back after dropping open sockets:", heap_cost(lambda suite: dropped_without_close()) <= 0)
