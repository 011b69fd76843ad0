# load_verify_locations takes exactly one of cafile and cadata, PEM or DER; a bundle (PEM blocks
# or concatenated DER) loads every CA in it, and each call adds to the CAs already loaded.
# A CA counts as loaded when a CERT_REQUIRED client verifies a real server it issued.
import ssl
from _common import attempt, client_context, data, path, raised, talk

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
print(
    "both:",
    raised(ctx.load_verify_locations, cafile=path("ca.crt.pem"), cadata=data("ca.crt.der")),
)
print("neither:", raised(ctx.load_verify_locations))
print("missing file:", attempt(ctx.load_verify_locations, cafile=path("no-such-ca.pem")))
print("garbage cadata:", raised(ctx.load_verify_locations, cadata=b"garbage"))
print("truncated cadata:", raised(ctx.load_verify_locations, cadata=data("ca.crt.der")[:100]))
print("int cadata:", raised(ctx.load_verify_locations, cadata=42))
# A wrong cafile is named as such (the message names the argument given).
for call in (ctx.load_verify_locations, ssl.create_default_context):
    try:
        call(cafile=42)
    except TypeError as e:
        print("int cafile:", "TypeError naming cafile:", str(e).startswith("cafile"))

# Each form of the test CA: server_ec (TLS13_EC) verifies, server_unknownca does not.
FORMS = (
    ("cafile PEM", {"cafile": path("ca.crt.pem")}),
    ("cafile DER", {"cafile": path("ca.crt.der")}),
    ("cadata PEM", {"cadata": data("ca.crt.pem")}),
    ("cadata DER", {"cadata": data("ca.crt.der")}),
    ("cadata bytearray", {"cadata": bytearray(data("ca.crt.der"))}),
    ("positional cafile", (path("ca.crt.pem"),)),
    # Bundles hold unknown_ca then ca: both servers verify.
    ("bundle cafile PEM", {"cafile": path("cas.pem")}),
    ("bundle cadata PEM", {"cadata": data("cas.pem")}),
    ("bundle cafile DER", {"cafile": path("cas.der")}),
    ("bundle cadata DER", {"cadata": data("cas.der")}),
)
for label, args in FORMS:
    ctx = client_context(cafile=None)
    if isinstance(args, dict):
        ctx.load_verify_locations(**args)
    else:
        ctx.load_verify_locations(*args)
    print(label + ":", talk(ctx, "TLS13_EC"), talk(ctx, "UNKNOWNCA"))

ctx = client_context(cafile="unknown_ca.crt.pem")
print("unknown_ca only:", talk(ctx, "TLS13_EC"), talk(ctx, "UNKNOWNCA"))
ctx.load_verify_locations(cadata=data("ca.crt.der"))
print("then ca added:", talk(ctx, "TLS13_EC"), talk(ctx, "UNKNOWNCA"))
