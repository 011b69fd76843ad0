# ssl.wrap_socket(sock, server_side, key, cert, cert_reqs, cadata, server_hostname, do_handshake)
# makes a context and wraps sock: no verification by default; cert_reqs=CERT_REQUIRED verifies
# against cadata (a DER CA certificate) and needs server_hostname; key/cert (DER data) are the
# certificate presented; do_handshake=False defers the handshake to the first read/write.
import ssl
from _common import connect, data, describe, loopback, raised

CA = data("ca.crt.der")


def call(peer, line=b"wrapped\n", **kwargs):
    sock = connect(peer)
    try:
        s = ssl.wrap_socket(sock, **kwargs)
        s.write(line)
        reply = s.readline()
        s.close()
        return reply
    except Exception as e:
        sock.close()
        return describe(e)


print("default, untrusted server:", call("UNKNOWNCA", server_hostname="localhost"))
print("default, no hostname:", call("TLS13_EC"))
required = {"cert_reqs": ssl.CERT_REQUIRED, "cadata": CA}
print("required:", call("TLS13_EC", server_hostname="localhost", **required))
print("required, untrusted server:", call("UNKNOWNCA", server_hostname="localhost", **required))
print(
    "required, wrong hostname:", call("TLS13_EC", server_hostname="wronghost.example", **required)
)
print("required, no hostname:", raised(ssl.wrap_socket, connect("TLS13_EC"), **required))
client_cert = {"key": data("client_ec.key.der"), "cert": data("client_ec.crt.der")}
print("client cert:", call("CLIENTAUTH13", server_hostname="localhost", **client_cert))
print("no client cert:", call("CLIENTAUTH13", server_hostname="localhost"))

s = ssl.wrap_socket(connect("TLS12_EC"), do_handshake=False)
s.write(b"deferred\n")
print("do_handshake=False:", s.readline(), s.cipher()[1])
s.close()


class ModuleWrap:
    # Stands in for a context in loopback(): wraps through the module-level function.
    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def wrap_socket(
        self, sock, server_side=False, server_hostname=None, do_handshake_on_connect=True
    ):
        return ssl.wrap_socket(
            sock,
            server_side=server_side,
            server_hostname=server_hostname,
            do_handshake=do_handshake_on_connect,
            **self.kwargs
        )


server = ModuleWrap(key=data("server_ec.key.der"), cert=data("server_ec.crt.der"))
client = ModuleWrap(cert_reqs=ssl.CERT_REQUIRED, cadata=CA)
cs, ss, stats = loopback(server, client)
print("server_side=True:", stats["client_got"], cs.getpeercert(True) == data("server_ec.crt.der"))
cs.close()
ss.close()
