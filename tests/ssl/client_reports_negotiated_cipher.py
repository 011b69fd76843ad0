# cipher() returns CPython's (IANA name, protocol version, secret bits) for the suite a server
# forced: TLS 1.2 ECDHE-ECDSA/ECDHE-RSA with ChaCha20-Poly1305, AES-CBC and AES-GCM, and TLS 1.3.
from _common import client_context, connect, describe

PEERS = (
    "TLS12_EC_CHACHA",
    "TLS12_EC_AES256CBC",
    "TLS12_RSA_AES128CBC",
    "TLS12_RSA_AES256GCM",
    "TLS13_CHACHA",
    "TLS13_AES128",
)
ctx = client_context()
for peer in PEERS:
    sock = connect(peer)
    try:
        s = ctx.wrap_socket(sock, server_hostname="localhost")
        s.write(b"x\n")
        print(peer, s.cipher(), s.readline())
        s.close()
    except Exception as e:
        sock.close()
        print(peer, describe(e))
