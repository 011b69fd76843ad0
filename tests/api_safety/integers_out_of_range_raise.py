# Integers out of range raise ValueError (or OverflowError past a machine word) instead of being
# truncated: SSLContext(2**32) used to make a TLS client context (the protocol cut to 0).
import ssl
import tls
from _safety import describe


def attempt(label, f):
    try:
        r = f()
        print(label, "accepted", r if isinstance(r, int) else "")
    except Exception as e:
        print(label, describe(e))


for n in (2**32, 2**32 + 1, 2**64, -1, -(2**32), 4):
    attempt("ssl.SSLContext(%d):" % n, lambda: ssl.SSLContext(n))
    attempt("tls.SSLContext(%d):" % n, lambda: tls.SSLContext(n))

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for n in (2**32, 2**32 + 2, 2**64, -1):
    attempt("verify_mode = %d:" % n, lambda: setattr(ctx, "verify_mode", n))
print("verify_mode still:", ctx.verify_mode)
for n in (2**32 + 512, 2**64 + 512, -512, 512 - 2**32):
    attempt("max_fragment_length = %d:" % n, lambda: setattr(ctx, "max_fragment_length", n))
print("max_fragment_length still:", ctx.max_fragment_length)
for n in (2**32 + 2, 2**64):
    attempt("wrap_socket(cert_reqs=%d):" % n, lambda: ssl.wrap_socket(None, cert_reqs=n))
