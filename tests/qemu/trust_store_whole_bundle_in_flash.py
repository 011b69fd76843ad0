# The whole system CA bundle as a trust store in flash (frozen bytes, the test CA appended last):
# the context indexes it in place, keeping a few hundred bytes of heap for 145 CAs, and a client
# verifies a server whose chain ends in the bundle's last root, as with that root alone.
import gc
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer

server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
for label, cadata in (("single root", C.CA), ("whole bundle", C.CA_BUNDLE_STORE)):
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.verify_mode = ssl.CERT_REQUIRED
    gc.collect()
    before = gc.mem_alloc()
    client_ctx.load_verify_locations(cadata=cadata)
    gc.collect()
    kept = gc.mem_alloc() - before
    print(label, "CAs over 100:", client_ctx.cert_store_stats()["x509_ca"] > 100, "kept under 1 KiB:", kept < 1024)
    client, server = tls_pair(client_ctx, server_ctx, "localhost")
    print(label, transfer(client, server, b"verified"))
    client.close()
    server.close()
