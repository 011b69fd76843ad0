# The whole system CA bundle as a trust store in flash (frozen bytes, the test CA appended last):
# the context indexes it in place, keeping under 1 KiB of heap for 145 CAs in the full profile
# (under 16 KiB in the small one, where SSLContext.skipped_cas lists the roots whose keys it
# lacks: P-384), and a client verifies a server whose chain ends in the bundle's last root, as
# with that root alone.
import gc
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer

server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
full = "TLS_AES_128_GCM_SHA256" in server_ctx.get_ciphers()
server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
for label, cadata in (("single root", C.CA), ("whole bundle", C.CA_BUNDLE_STORE)):
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.verify_mode = ssl.CERT_REQUIRED
    gc.collect()
    before = gc.mem_alloc()
    client_ctx.load_verify_locations(cadata=cadata)
    gc.collect()
    kept = gc.mem_alloc() - before
    skipped = len(client_ctx.skipped_cas)
    print(label, "CAs over 100:", client_ctx.cert_store_stats()["x509_ca"] > 100,
          "kept under budget:", kept < (1024 if full else 16384), "skipped only in the small profile:", (skipped > 0) == (not full and label == "whole bundle"))
    client, server = tls_pair(client_ctx, server_ctx, "localhost")
    print(label, transfer(client, server, b"verified"))
    client.close()
    server.close()
