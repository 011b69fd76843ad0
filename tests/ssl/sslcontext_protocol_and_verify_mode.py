# SSLContext accepts the four PROTOCOL_* constants only; verify_mode defaults to CERT_NONE under
# ssl, and to CERT_REQUIRED for tls clients; it takes the CERT_* constants only.
import ssl
import tls
from _common import raised

PROTOCOLS = (
    "PROTOCOL_TLS_CLIENT",
    "PROTOCOL_TLS_SERVER",
    "PROTOCOL_DTLS_CLIENT",
    "PROTOCOL_DTLS_SERVER",
)
MODES = {
    ssl.CERT_NONE: "CERT_NONE",
    ssl.CERT_OPTIONAL: "CERT_OPTIONAL",
    ssl.CERT_REQUIRED: "CERT_REQUIRED",
}

for label, mod in (("ssl", ssl), ("tls", tls)):
    for name in PROTOCOLS:
        ctx = mod.SSLContext(getattr(mod, name))
        print(label, name, "default", MODES.get(ctx.verify_mode, ctx.verify_mode))

known = [getattr(ssl, n) for n in PROTOCOLS]
for label, bad in (("max+1", max(known) + 1), ("min-1", min(known) - 1), ("1000", 1000)):
    print("protocol", label, raised(ssl.SSLContext, bad))

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for mode in (ssl.CERT_REQUIRED, ssl.CERT_OPTIONAL, ssl.CERT_NONE):
    ctx.verify_mode = mode
    print("set", MODES[mode], "read back", MODES.get(ctx.verify_mode, ctx.verify_mode))


def set_mode(value):
    ctx.verify_mode = value


ctx.verify_mode = ssl.CERT_OPTIONAL
for label, bad in (("max+1", max(MODES) + 1), ("min-1", min(MODES) - 1), ("100", 100)):
    print("verify_mode", label, raised(set_mode, bad))
print("kept", MODES.get(ctx.verify_mode, ctx.verify_mode))
