# mpssl's verdict on each trust store case (tests/ssl/_trust_cases.py: a SHA-1 self-signed root
# anchoring a SHA-256 chain, an RSA-4096 > P-384 > P-256 chain with DNS, wildcard and IP SANs,
# a cross-signed root, the whole system bundle with a test root appended) matches CPython's on
# the same files. Each case's CAs are loaded three ways: the PEM bundle as cafile, the trust
# store CPython's run of tools/mpssl_truststore.py wrote as cafile, and the store this
# MicroPython converts itself (which must be the same bytes) as cadata.
import ssl
import sys
from _common import CERTS, describe, loopback

sys.path.append(CERTS + "/../../tools")
import mpssl_truststore


def verdict(trust, chain, key, hostname, **load):
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(chain, key)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.verify_mode = ssl.CERT_REQUIRED
    try:
        client.load_verify_locations(**load)
    except ValueError as e:  # nothing usable in it: a CA skipped (skipped_cas says why)
        print("  load refused:", e.args[0].rsplit(": ", 1)[-1])
        return "fail"
    try:
        c, s, _ = loopback(server, client, hostname=hostname)
    except OSError as e:
        text = describe(e)
        return "fail" if text.startswith("OSError X509_CERT_VERIFY_FAILED") else text
    c.close()
    s.close()
    return "ok"


with open(CERTS + "/trust/cases.cpython") as f:
    cases = eval(f.read())
for label, trust, chain, key, hostname, cpython in cases:
    with open(trust, "rb") as f:
        store = mpssl_truststore.convert(f.read())
    with open(trust[:-4] + ".mpts", "rb") as f:
        same = f.read() == store
    ours = (
        verdict(trust, chain, key, hostname, cafile=trust),
        verdict(trust, chain, key, hostname, cafile=trust[:-4] + ".mpts"),
        verdict(trust, chain, key, hostname, cadata=store),
    )
    agree = "agree" if ours == (cpython,) * 3 else "DIFFER"
    print("%s: CPython %s, mpssl %s: %s%s" % (label, cpython, " ".join(ours), agree, "" if same else ", converters differ"))
