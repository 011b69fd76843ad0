# SSLContext.dtls_cid_len (DTLS Connection ID, RFC 9146): None by default (no extension), 0 to 32
# on DTLS contexts, client and server; anything else is a ValueError (a TypeError for a
# non-integer) that leaves the previous value; TLS contexts refuse it. The connection-level
# behaviour is in tests/dtls/dtls_cid_client_moves_to_new_port.py.
import ssl
from _common import describe

for name in ("PROTOCOL_DTLS_CLIENT", "PROTOCOL_DTLS_SERVER"):
    ctx = ssl.SSLContext(getattr(ssl, name))
    seen = [ctx.dtls_cid_len]
    for value in (0, 8, 32, None, 4):
        ctx.dtls_cid_len = value
        seen.append(ctx.dtls_cid_len)
    print(name, seen)
    for bad in (-1, 33, 1 << 40, "8"):
        try:
            ctx.dtls_cid_len = bad
            print("  %r: accepted" % (bad,))
        except (ValueError, TypeError, OverflowError) as e:
            print("  %r:" % (bad,), describe(e) if isinstance(e, ValueError) else type(e).__name__)
    print("  still", ctx.dtls_cid_len)

for name in ("PROTOCOL_TLS_CLIENT", "PROTOCOL_TLS_SERVER"):
    ctx = ssl.SSLContext(getattr(ssl, name))
    try:
        ctx.dtls_cid_len = 8
        print(name, "accepted")
    except ValueError as e:
        print(name, describe(e), ctx.dtls_cid_len)
