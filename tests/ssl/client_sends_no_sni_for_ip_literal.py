# A client sends server_hostname as SNI (server_name extension) for a DNS name, never for an IPv4
# or IPv6 literal (RFC 6066 section 3); the certificate is still checked against the address.
# The ClientHello is read raw off a plain listening socket and its extensions parsed.
import ssl
from _common import client_context, dial, listen, talk


def client_hello(hostname):
    lsock, port = listen()
    c = dial(port)
    s, _ = lsock.accept()
    lsock.close()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tls = ctx.wrap_socket(c, server_hostname=hostname, do_handshake_on_connect=False)
    c.setblocking(False)
    tls.write(b"x")  # sends the ClientHello, then finds no answer
    hello = b""
    while len(hello) < 5 or len(hello) < 5 + (hello[3] << 8 | hello[4]):
        hello += s.recv(4096)
    tls.close()
    s.close()
    return hello


def server_names(hello):
    # The server_name extension's HostNames in a ClientHello record, [] when it has none.
    p = 5 + 4 + 2 + 32  # record header, handshake header, version, random
    p += 1 + hello[p]  # session id
    p += 2 + (hello[p] << 8 | hello[p + 1])  # cipher suites
    p += 1 + hello[p]  # compression methods
    end = p + 2 + (hello[p] << 8 | hello[p + 1])
    p += 2
    while p < end:
        kind = hello[p] << 8 | hello[p + 1]
        size = hello[p + 2] << 8 | hello[p + 3]
        body = hello[p + 4 : p + 4 + size]
        if kind == 0:
            return [bytes(body[5 : 5 + (body[3] << 8 | body[4])])]
        p += 4 + size
    return []


for name in ("localhost", "127.0.0.1", "::1", "2001:db8::1"):
    print(name, "SNI:", server_names(client_hello(name)))

# The address still has to match the certificate (server_ec: DNS localhost, IP 127.0.0.1).
print("127.0.0.1 verifies:", talk(client_context(), "TLS13_EC", hostname="127.0.0.1"))
print("127.0.0.2 refused:", talk(client_context(), "TLS13_EC", hostname="127.0.0.2"))
