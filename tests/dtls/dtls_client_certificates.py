# DTLS with an RSA server certificate and client certificates: the server
# (CERT_REQUIRED) sees the client's subject; a client without a certificate
# is rejected with a clear error. (Its client may not see the server's alert:
# DTLS drops records of the wrong epoch; it fails on its next retransmission
# to the closed port instead.)
import sys

sys.path.append(".")
import ssl
from _dtls import cert, udp_bind, udp_connect, accept


def server_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    ctx.load_cert_chain(cert("server_rsa.crt.pem"), cert("server_rsa.key.pem"))
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.pem"))
    return ctx


def instance0():
    ctx = server_context()
    sock, port = udp_bind()
    second, port2 = udp_bind(150)
    multitest.globals(PORT=port, PORT2=port2)
    multitest.next()
    s = accept(ctx, sock)
    print("client subject", s.getpeercert()["subject"][-1])
    print("server got", s.recv(64))
    s.close()
    multitest.broadcast("second")
    try:
        accept(ctx, second)
    except OSError as e:
        print("server rejects:", e.args[0])
    second.close()


def instance1():
    multitest.next()
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.pem"))
    ctx.load_cert_chain(cert("client_ec.crt.pem"), cert("client_ec.key.pem"))
    s = ctx.wrap_socket(udp_connect(PORT), server_hostname="localhost")
    print("client:", s.cipher()[0])
    s.send(b"with a certificate")
    s.close()
    multitest.wait("second")
    bare = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    try:
        bare.wrap_socket(udp_connect(PORT2))
    except OSError as e:
        print("client handshake fails:", e.args[0] in (-30592, 111))
