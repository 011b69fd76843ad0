# SSLSession.serialize() and SSLSession(data): a session turned into bytes and back resumes with
# openssl s_server (TLS 1.2 and TLS 1.3 tickets) from a new client context, as after a reset,
# and getpeercert() still gives the server's certificate; the reloaded session serializes to
# the same bytes. Offered for another server_hostname it is not resumed (a full handshake
# verifies the server). Bad blobs are a ValueError with a message, never a crash: every
# truncation, every single-byte change (the SHA-256 trailer catches them), and changes made
# behind a recomputed trailer (forged: Mbed TLS's own loader checks those, or the blob loads and
# the handshake stays safe). A TLS session is not offered on a DTLS or server context.
import hashlib
import ssl
from _common import client_context, connect, data, describe, raised, server_context

CERT_DER = data("server_ec.crt.der")


def visit(ctx, peer, session=None, hostname="localhost"):
    sock = connect(peer)
    try:
        s = ctx.wrap_socket(sock, server_hostname=hostname, session=session)
        s.write(b"hello\n")
        reply = s.readline()
        result = (s.cipher()[1], s.session_reused, reply, s.getpeercert(True) == CERT_DER)
        late = s.session
        s.close()
        return result, late
    except Exception as e:
        sock.close()
        return describe(e), None


def load_error(data):
    # The start of the ValueError's message, or "loaded".
    try:
        ssl.SSLSession(data)
        return "loaded"
    except ValueError as e:
        return e.args[0].split(" (")[0]


def reseal(body):
    # A blob with its SHA-256 trailer recomputed over a changed body (a forgery).
    return body + hashlib.sha256(body).digest()


for peer in ("TLS12_EC", "TLS13_EC"):
    result, session = visit(client_context(), peer)
    print(peer, "full:", result)
    blob = session.serialize()
    print("  bytes, magic:", type(blob).__name__, blob[:4])
    loaded = ssl.SSLSession(blob)
    print("  serializes the same:", loaded.serialize() == blob)
    result, _ = visit(client_context(), peer, loaded)
    print("  reloaded, new context:", result)
    result, _ = visit(client_context(), peer, ssl.SSLSession(blob), "example.com")
    print("  reloaded, another name:", result)

    # Every truncation and every single-byte change: refused before Mbed TLS sees them, with
    # the message that fits (the magic, the minimum length, then the digest).
    def expected(n, cut):
        if n < 4:
            return "not a serialized SSLSession"
        return "serialized SSLSession is truncated" if cut and n < 38 else "serialized SSLSession is truncated or corrupted"

    odd = []
    for n in range(len(blob)):
        bad = bytearray(blob)
        bad[n] ^= 0x01
        for data, cut in ((blob[:n], True), (bad, False)):
            got = load_error(data)
            if got != expected(n, cut):
                odd.append((n, cut, got))
    print("  every cut and changed byte refused as expected:", odd)

    # Forged: changed behind a valid trailer, each byte one of three ways, and cut at each length.
    # Mbed TLS's loader refuses some with ValueError; others (a changed secret, time or ticket
    # byte) load, and serialize again. Any other exception would end the test.
    body = blob[:-32]
    kinds = set()
    for i in range(2 * len(body)):
        if i < len(body):
            bad = bytearray(body)
            bad[i] ^= (1, 0x80, 0xFF)[i % 3]
        else:
            bad = body[: i - len(body)]
        try:
            ssl.SSLSession(reseal(bytes(bad))).serialize()
            kinds.add("loaded")
        except ValueError:
            kinds.add("ValueError")
    print("  forged:", sorted(kinds))

# What a forgery can do: a reloaded session offered for its own name still resumes only with a
# server that knows its secret; another s_server refuses it and the full handshake verifies.
result, session = visit(client_context(), "TLS13_EC")
result, _ = visit(client_context(), "TLS13_P384_GROUP", ssl.SSLSession(session.serialize()))
print("reloaded, offered to another server:", result)

# Arguments.
blob = session.serialize()
print("no argument:", raised(ssl.SSLSession))
print("str:", raised(ssl.SSLSession, "MPSS"))
for name, bad in (("empty", b""), ("not ours", b"\x30\x82" + blob[2:]), ("header only", blob[:6])):
    try:
        ssl.SSLSession(bad)
    except ValueError as e:
        print(name + ":", e)
sock = connect("TLS13_EC")
dtls = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
try:
    dtls.wrap_socket(sock, server_hostname="localhost", session=ssl.SSLSession(blob))
except ValueError as e:
    print("DTLS context:", e)
print("server context:", raised(server_context().wrap_socket, sock, server_side=True, session=ssl.SSLSession(blob)))
sock.close()
