# load_default_certs() on the board: the full profile freezes the system's CA bundle (the Mozilla
# roots of Debian's ca-certificates, build option MPSSL_CA_BUNDLE in ports/qemu/qemu.mk) as the
# trust store _mpssl_ca_bundle.STORE, which the context reads in place from flash. The tests run
# on the profile's test firmware, whose bundle has the test CA appended to the system roots (the
# product firmware's has the system roots alone): a client with the default CAs verifies a server
# whose chain ends at that root, and refuses one whose root is not in the bundle. The small
# profile freezes no bundle: there load_default_certs() looks for the bundle file, which the
# board has not, and the test is skipped once that is checked.
import gc
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer

try:
    import _mpssl_ca_bundle
except ImportError:
    _mpssl_ca_bundle = None


def client_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


if "TLS_AES_128_GCM_SHA256" not in ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ciphers():
    try:
        client_context().load_default_certs()
        print("small profile: load_default_certs() found CAs")
    except OSError:
        if _mpssl_ca_bundle is None:
            print("SKIP")
        else:
            print("small profile: a CA bundle is frozen")
    raise SystemExit


def server(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


store = _mpssl_ca_bundle.STORE
count = int.from_bytes(store[8:12], "little")
print("frozen store:", store[:4], "over 100 CAs:", count > 100)

client_ctx = client_context()
gc.collect()
before = gc.mem_alloc()
client_ctx.load_default_certs()
gc.collect()
print("all loaded:", client_ctx.cert_store_stats()["x509_ca"] == count, client_ctx.skipped_cas)
# The context keeps a reference to the store in flash, no copy of its 70 KB.
print("read in place (under 512 bytes of heap):", gc.mem_alloc() - before < 512)

for label, srv in (
    ("root in the bundle", server(C.SERVER_EC_CERT, C.SERVER_EC_KEY)),
    ("root not in the bundle", server(C.SERVER_UNKNOWNCA_CERT, C.SERVER_UNKNOWNCA_KEY)),
):
    client, srv_sock = tls_pair(client_ctx, srv, "localhost")
    try:
        print(label, "->", transfer(client, srv_sock, b"verified"))
    except OSError as e:
        print(label, "->", e.args[1])
    client.close()
    srv_sock.close()
