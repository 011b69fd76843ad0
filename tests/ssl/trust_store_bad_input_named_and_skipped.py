# Bad CA input. A corrupt trust store (wrong magic or version, truncated, unsorted, duplicate
# entry, hash or offset wrong, malformed record) is refused whole with a ValueError saying what
# is wrong. In a bundle, an entry that is not a certificate at all fails the load with a
# ValueError naming its position (and subject when known) and the reason; a certificate this
# build cannot use (a P-521 key) or a PEM block of another kind is skipped and listed in
# SSLContext.skipped_cas as (source, position, subject, reason), and the rest loads.
import ssl
import struct
import sys
from _common import CERTS, data, talk

sys.path.append(CERTS + "/../../tools")
import mpssl_truststore

store = mpssl_truststore.convert(data("ca.crt.pem") + data("unknown_ca.crt.pem") + data("pub_root.crt.pem"))


def entry(s, i):
    return 16 + 12 * i


def with_bytes(s, at, new):
    return s[:at] + new + s[at + len(new) :]


def attempt_load(**kwargs):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    try:
        ctx.load_verify_locations(**kwargs)
    except ValueError as e:
        return "ValueError: %s" % e.args[0]
    return "loaded %d, skipped %r" % (ctx.cert_store_stats()["x509_ca"], ctx.skipped_cas)


e0, e1 = store[entry(store, 0) : entry(store, 1)], store[entry(store, 1) : entry(store, 2)]
first_offset = struct.unpack("<I", e0[4:8])[0]
CORRUPT = (
    ("intact", store),
    ("wrong magic", b"MPTX" + store[4:]),
    ("wrong version", with_bytes(store, 4, b"\x02")),
    ("truncated", store[:-10]),
    ("header only", store[:16]),
    ("trailing data", store + b"\0"),
    ("unsorted", with_bytes(store, entry(store, 0), e1 + e0)),
    ("duplicate", with_bytes(store, entry(store, 1), e0)),
    ("hash wrong", with_bytes(store, entry(store, 1), b"\0\0\0\0")),
    ("offset outside", with_bytes(store, entry(store, 0) + 4, struct.pack("<I", len(store)))),
    ("record malformed", with_bytes(store, first_offset + 2, b"\x31")),
)
for label, bad in CORRUPT:
    print(label + ":", attempt_load(cadata=bad))
# The same stores as files: read through a window and at each lookup, not whole.
for label, bad in CORRUPT:
    with open(CERTS + "/corrupt.mpts.tmp", "wb") as f:
        f.write(bad)
    print("file", label + ":", attempt_load(cafile=CERTS + "/corrupt.mpts.tmp").replace(CERTS + "/", ""))

p521, ca = data("inter_p521.crt.pem"), data("ca.crt.pem")
key = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
BUNDLES = (
    ("P-521 CA then ca", p521 + ca),
    ("P-521 CA alone", p521),
    ("a key block then ca", key + ca),
    ("bad base64 second", ca + ca.replace(b"MII", b"M*I", 1)),
    ("not DER inside PEM second", ca + b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
    ("PEM truncated", ca + ca[:200]),
    ("DER truncated", data("ca.crt.der") + data("unknown_ca.crt.der")[:-1]),
    ("empty", b""),
    ("text without PEM blocks", b"just text\n"),
)
for label, bundle in BUNDLES:
    print(label + ":", attempt_load(cadata=bundle))

# What was skipped does not stop the rest from verifying.
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.load_verify_locations(cadata=p521 + ca)
print("ca after a skipped entry verifies:", talk(ctx, "TLS13_EC"))
