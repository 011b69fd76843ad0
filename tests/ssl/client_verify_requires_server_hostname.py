# A client that verifies (CERT_REQUIRED, or CERT_OPTIONAL which verifies the same way on a
# client, or the tls module's default) must be given server_hostname: ValueError otherwise.
# Without verification no hostname is needed.
import ssl
import tls
from _common import client_context, connect, raised

for label, ctx in (
    ("CERT_REQUIRED", client_context(mode=ssl.CERT_REQUIRED)),
    ("CERT_OPTIONAL", client_context(mode=ssl.CERT_OPTIONAL)),
    ("tls default", tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)),
):
    sock = connect("TLS13_EC")
    print(label, "without server_hostname:", raised(ctx.wrap_socket, sock))
    sock.close()

ctx = client_context(mode=ssl.CERT_NONE)
s = ctx.wrap_socket(connect("TLS13_EC"))
s.write(b"no name\n")
print("CERT_NONE without server_hostname:", s.readline())
s.close()
