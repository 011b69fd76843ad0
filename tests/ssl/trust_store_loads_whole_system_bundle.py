# The whole system CA bundle (/etc/ssl/certs/ca-certificates.crt, SHA-1 self-signed roots
# included) loads as CPython loads it: as a PEM file, as a trust store file and as trust store
# bytes, each keeping less than 16 KiB of heap (an index into the file or store; roots are
# parsed only when a chain needs one), with nothing skipped. With the test CA appended, a
# client verifies the harness's server_ec.
import gc
import ssl
import sys
from _common import CERTS, data, talk

sys.path.append(CERTS + "/../../tools")
import mpssl_truststore

SYSTEM = "/etc/ssl/certs/ca-certificates.crt"
with open(CERTS + "/trust/system.cpython") as f:
    cpython = eval(f.read())
with open(SYSTEM, "rb") as f:
    store = mpssl_truststore.convert(f.read())
with open(CERTS + "/system.mpts.tmp", "wb") as f:
    f.write(store)


def load(**kwargs):
    gc.collect()
    before = gc.mem_alloc()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(**kwargs)
    gc.collect()
    kept = gc.mem_alloc() - before
    stats = ctx.cert_store_stats()
    print(
        "x509_ca as CPython's:", stats["x509_ca"] == cpython["x509_ca"],
        "skipped:", ctx.skipped_cas,
        "heap under 16 KiB:", kept < 16384,
    )
    return ctx


print("PEM file:")
load(cafile=SYSTEM)
print("store file:")
load(cafile=CERTS + "/system.mpts.tmp")
print("store bytes:")
ctx = load(cadata=store)
print("test CA not in it:", talk(ctx, "TLS13_EC"))
ctx.load_verify_locations(cadata=data("ca.crt.pem"))
print("test CA appended:", talk(ctx, "TLS13_EC"), ctx.cert_store_stats()["x509_ca"] == cpython["x509_ca"] + 1)
