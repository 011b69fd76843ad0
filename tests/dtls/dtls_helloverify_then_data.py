# A DTLS server answers a new client with HelloVerify, accepts its retry, and
# records flow both ways; recv returns one record's data.
import sys

sys.path.append(".")
import ssl
from _dtls import cert, udp_bind, udp_connect, accept


def instance0():
    sock, port = udp_bind()
    multitest.globals(PORT=port)
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    ctx.load_cert_chain(cert("server_ec.crt.der"), cert("server_ec.key.der"))
    multitest.next()
    s = accept(ctx, sock)
    print("server:", s.cipher())
    for _ in range(3):
        data = s.recv(64)
        print("server got", data)
        s.send(data.upper())
    s.close()


def instance1():
    multitest.next()
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    s = ctx.wrap_socket(udp_connect(PORT), server_hostname="localhost")
    print("client:", s.cipher())
    print("subject", s.getpeercert()["subject"])
    for i in range(3):
        s.send(b"record %d" % i)
        print("client got", s.recv(64))
    s.close()
