# SSLContext.load_default_certs() loads the system's CAs: the unix build freezes the system
# bundle as a trust store (_mpssl_ca_bundle.STORE, mpssl/manifest.py), read in place, so the
# context keeps under 512 bytes of heap for all of them (the source and its list); the count is CPython's for the same
# bundle. The test CA is not among them until loaded as well.
import gc
import ssl
from _common import CERTS, data, talk

with open(CERTS + "/trust/system.cpython") as f:
    cpython = eval(f.read())
import _mpssl_ca_bundle

print("frozen store:", bytes(_mpssl_ca_bundle.STORE[:4]))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.verify_mode = ssl.CERT_REQUIRED
gc.collect()
before = gc.mem_alloc()
ctx.load_default_certs()
gc.collect()
print("load_default_certs keeps under 512 bytes:", gc.mem_alloc() - before < 512)
print("x509_ca as CPython's:", ctx.cert_store_stats()["x509_ca"] == cpython["x509_ca"], "skipped:", ctx.skipped_cas)
print("test CA not in it:", talk(ctx, "TLS13_EC"))
ctx.load_verify_locations(cadata=data("ca.crt.der"))
print("test CA added:", talk(ctx, "TLS13_EC"))
