# getpeercert() returns the dict CPython's SSLSocket.getpeercert() gives for the same
# certificate (the harness writes CPython's dict next to each certificate);
# getpeercert(True) / getpeercert(binary_form=True) return the certificate's DER bytes.
from _common import client_context, connect, data, describe, peercert

ctx = client_context()
for peer, cert in (
    ("TLS13_EC", "server_ec"),
    ("TLS13_RSA", "server_rsa"),
    ("CHAIN", "server_chain"),
):
    s = ctx.wrap_socket(connect(peer), server_hostname="localhost")
    got = s.getpeercert()
    want = peercert(cert)
    print(peer, type(got).__name__, "extra keys", sorted(k for k in got if k not in want))
    for key in sorted(want):
        value = got.get(key)
        print(" ", key, "ok" if value == want[key] else "got %r want %r" % (value, want[key]))
    der = data(cert + ".crt.der")
    try:
        keyword = s.getpeercert(binary_form=True) == der
    except Exception as e:
        keyword = describe(e)
    print("  DER", s.getpeercert(True) == der, keyword)
    s.close()
