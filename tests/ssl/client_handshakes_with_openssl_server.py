# A CERT_REQUIRED client completes TLS 1.2 and TLS 1.3 handshakes with openssl s_server using EC
# P-256, EC P-384, RSA-2048 and RSA-4096 certificates, X25519 and P-384 key exchange, and a
# chain through an intermediate CA; it receives the right certificate and exchanges data.
from _common import client_context, connect, data, describe

PEERS = (
    ("TLS12_EC", "server_ec"),
    ("TLS13_EC", "server_ec"),
    ("TLS12_RSA", "server_rsa"),
    ("TLS13_RSA", "server_rsa"),
    ("TLS13_P384", "server_p384"),
    ("TLS12_RSA4096", "server_rsa4096"),
    ("TLS12_X25519", "server_ec"),
    ("TLS13_P384_GROUP", "server_ec"),
    ("CHAIN", "server_chain"),
)
ctx = client_context()
for peer, cert in PEERS:
    sock = connect(peer)
    try:
        s = ctx.wrap_socket(sock, server_hostname="localhost")
        name, version, bits = s.cipher()
        right_cert = s.getpeercert(True) == data(cert + ".crt.der")
        s.write(b"hello " + peer.encode() + b"\n")
        print(peer, version, bits >= 128, right_cert, s.readline())
        s.close()
    except Exception as e:
        sock.close()
        print(peer, describe(e))
