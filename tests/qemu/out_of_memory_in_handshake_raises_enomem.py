# Running out of heap in the middle of a handshake raises a clear
# OSError(ENOMEM) (or MemoryError), and the heap comes back afterwards.
import errno
import gc
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer

server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client_ctx.set_ciphers(["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"])
client, server = tls_pair(client_ctx, server_ctx)
transfer(client, server, b"warm-up")  # seeds the random generator
client.close()
server.close()
client = server = None
gc.collect()
before = gc.mem_free()

# Both sockets exist (their record buffers are allocated); then the rest
# of the heap is cut into 256-byte holes: Python's small objects still fit,
# a handshake's larger allocations do not.
client, server = tls_pair(client_ctx, server_ctx)
chunks = [None] * (gc.mem_free() // 256)
for i in range(len(chunks)):
    try:
        chunks[i] = bytearray(240)
    except MemoryError:
        break
for i in range(0, len(chunks), 2):
    chunks[i] = None
gc.collect()

try:
    transfer(client, server, b"x")
    print("handshake completed")
except MemoryError:
    print("MemoryError")
except OSError as e:
    print("OSError ENOMEM:", e.errno == errno.ENOMEM)
chunks = None
client.close()
server.close()
client = server = None
gc.collect()
print("heap back:", gc.mem_free() >= before)

# With the heap back, the same contexts connect again.
client, server = tls_pair(client_ctx, server_ctx)
print(transfer(client, server, b"recovered"))
client.close()
server.close()
