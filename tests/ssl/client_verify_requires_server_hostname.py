# A client with CERT_REQUIRED (or the tls module's default) must be given server_hostname:
# ValueError otherwise. CERT_OPTIONAL verifies the chain as CERT_REQUIRED does but, as in
# upstream MicroPython, needs no hostname: it checks the chain alone (a trusted chain
# connects, an untrusted one fails). Without verification no hostname is needed.
import ssl
import tls
from _common import client_context, connect, raised

for label, ctx in (
    ("CERT_REQUIRED", client_context(mode=ssl.CERT_REQUIRED)),
    ("tls default", tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)),
):
    sock = connect("TLS13_EC")
    print(label, "without server_hostname:", raised(ctx.wrap_socket, sock))
    sock.close()

ctx = client_context(mode=ssl.CERT_OPTIONAL)
s = ctx.wrap_socket(connect("TLS13_EC"))
s.write(b"optional\n")
print("CERT_OPTIONAL without server_hostname, trusted chain:", s.readline())
s.close()
print(
    "CERT_OPTIONAL without server_hostname, unknown CA:",
    raised(ctx.wrap_socket, connect("UNKNOWNCA")),
)

ctx = client_context(mode=ssl.CERT_NONE)
s = ctx.wrap_socket(connect("TLS13_EC"))
s.write(b"no name\n")
print("CERT_NONE without server_hostname:", s.readline())
s.close()
