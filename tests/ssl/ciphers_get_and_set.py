# get_ciphers lists the enabled suites by IANA name; set_ciphers takes IANA or Mbed TLS dashed
# names, changes what is negotiated, and on error raises ValueError naming the bad entry while
# keeping the previous setting.
import ssl
from _common import client_context, connect, loopback, raised, server_context

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ciphers = ctx.get_ciphers()
print("list of str", type(ciphers) is list and all(type(c) is str for c in ciphers))
print("no duplicates", len(set(ciphers)) == len(ciphers))
print("IANA names", all(c.startswith("TLS_") and "-" not in c for c in ciphers))
tls12 = [c for c in ciphers if "_WITH_" in c]
print(
    "TLS 1.2 suites are ECDHE or PSK",
    all(c.startswith(("TLS_ECDHE_ECDSA_WITH_", "TLS_ECDHE_RSA_WITH_", "TLS_ECDHE_PSK_WITH_", "TLS_PSK_WITH_")) for c in tls12),
)
for name in (
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
):
    print("enabled", name, name in ciphers)

ctx.set_ciphers(["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"])
print("set one:", ctx.get_ciphers())
ctx.set_ciphers(["TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384", "TLS_CHACHA20_POLY1305_SHA256"])
print("dashed and IANA, in order:", ctx.get_ciphers())

for label, arg, bad in (
    ("empty list", [], None),
    ("str not list", "TLS_AES_128_GCM_SHA256", None),
    ("tuple not list", ("TLS_AES_128_GCM_SHA256",), None),
    ("unknown name", ["TLS_NOPE_WITH_NOTHING"], "TLS_NOPE_WITH_NOTHING"),
    ("one bad of two", ["TLS_AES_128_GCM_SHA256", "BOGUS-SUITE"], "BOGUS-SUITE"),
):
    kept = ctx.get_ciphers()
    try:
        ctx.set_ciphers(arg)
        print(label + ": no error")
    except ValueError as e:
        print(
            label + ": ValueError, names it",
            bad is None or bad in str(e),
            "kept",
            ctx.get_ciphers() == kept,
        )
    except Exception as e:
        print(label + ":", type(e).__name__)

# The setting decides the suite negotiated with real servers.
for suites, peer in (
    (["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"], "TLS12_RSA"),
    (["TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256"], "TLS12_EC"),
    (["TLS_CHACHA20_POLY1305_SHA256"], "TLS13_EC"),
    (["TLS_AES_128_GCM_SHA256"], "TLS13_RSA"),
):
    ctx = client_context()
    ctx.set_ciphers(suites)
    s = ctx.wrap_socket(connect(peer), server_hostname="localhost")
    s.write(b"abc\n")
    print(peer, suites[0] + ":", s.cipher(), s.readline())
    s.close()

# No suite in common with the server: the handshake fails.
ctx = client_context()
ctx.set_ciphers(["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"])
print(
    "no common suite:", raised(ctx.wrap_socket, connect("TLS12_RSA"), server_hostname="localhost")
)

# A server's setting too, seen from both ends of an in-process connection.
server = server_context()
server.set_ciphers(["TLS_AES_128_GCM_SHA256"])
cs, ss, _ = loopback(server, client_context())
print("server set:", cs.cipher(), ss.cipher())
cs.close()
ss.close()
