# Our client resumes sessions with openssl s_server, TLS 1.2 and TLS 1.3: a connection that
# offers the session of the one before it is resumed (session_reused), and so is the next one,
# with the session the resumed connection gave. A TLS 1.2 session is there once the handshake
# is done; a TLS 1.3 one once data was read (its ticket arrives after the handshake). Offered
# to another server (another s_server: other ticket keys and cache; for TLS 1.3 one that asks
# for another key share first), a session is not resumed and the handshake is a full one that
# verifies the server and carries data. Offered for another server_hostname, a session is not
# resumed either: the full handshake finds that the certificate does not match that name.
# getpeercert() gives the server's certificate, DER and dict, on resumed connections too (the
# session carries it). The session argument is checked like CPython's.
from _common import client_context, connect, data, describe, peercert, raised, server_context

CERT_DER = data("server_ec.crt.der")
CERT_SUBJECT = peercert("server_ec")["subject"]


def visit(ctx, peer, session=None, hostname="localhost"):
    # One connection: (protocol, resumed, reply, session after handshake?, session after
    # reading?, server certificate as DER and dict?) and the session to offer next, or
    # describe() of the failure and None.
    sock = connect(peer)
    try:
        s = ctx.wrap_socket(sock, server_hostname=hostname, session=session)
        early = s.session is not None
        s.write(b"hello " + peer.encode() + b"\n")
        reply = s.readline()
        late = s.session
        cert = s.getpeercert(True) == CERT_DER and s.getpeercert()["subject"] == CERT_SUBJECT
        result = (s.cipher()[1], s.session_reused, reply, early, late is not None, cert)
        s.close()
        return result, late
    except Exception as e:
        sock.close()
        return describe(e), None


for peer, other in (("TLS12_EC", "TLS12_X25519"), ("TLS13_EC", "TLS13_P384_GROUP")):
    ctx = client_context()
    result, first = visit(ctx, peer)
    print(peer, "full:", result)
    result, second = visit(ctx, peer, first)
    print(peer, "resumed:", result)
    result, _ = visit(ctx, peer, second)
    print(peer, "resumed again:", result)
    result, _ = visit(ctx, other, first)
    print(other, "foreign session:", result)
    result, _ = visit(ctx, peer, first, "example.com")
    print(peer, "session for another name:", result)

# Bad session arguments fail before any handshake, leaving the socket to its owner.
ctx = client_context()
_, session = visit(ctx, "TLS12_EC")
sock = connect("TLS12_EC")
print("not a session:", raised(ctx.wrap_socket, sock, server_hostname="localhost", session=b"x"))
print("other context:", raised(client_context().wrap_socket, sock, server_hostname="localhost", session=session))
print("server side:", raised(server_context().wrap_socket, sock, server_side=True, session=session))
sock.close()
