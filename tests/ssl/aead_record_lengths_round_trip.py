# Records of every length class cross the AEAD code intact, both ways: lines of 1 to 9000 bytes
# (around the 16-byte block, the 128-byte batch of the AES-NI GCM path and the 64-byte and
# 256-byte ChaCha20 batches) to `openssl s_server -rev` and back reversed, with AES-128-GCM,
# AES-256-GCM and ChaCha20-Poly1305, TLS 1.2 and 1.3.
from _common import client_context, connect, describe

PEERS = (
    "TLS12_EC",  # AES-128-GCM, our first choice
    "TLS12_RSA_AES256GCM",
    "TLS12_EC_CHACHA",
    "TLS13_AES128",
    "TLS13_CHACHA",
)
LENGTHS = (1, 15, 16, 17, 63, 64, 65, 112, 127, 128, 129, 143, 255, 256, 257, 320, 1000, 4095, 4096, 4097, 9000)
ctx = client_context()
for peer in PEERS:
    sock = connect(peer)
    try:
        s = ctx.wrap_socket(sock, server_hostname="localhost")
        intact = 0
        for n in LENGTHS:
            line = bytes((i * 7 + n) % 94 + 33 for i in range(n))
            s.write(line + b"\n")
            reply = b""
            while len(reply) < n + 1:
                reply += s.readline()
            intact += reply == bytes(reversed(line)) + b"\n"
        print(peer, s.cipher()[0], "lines intact", intact, "of", len(LENGTHS))
        s.close()
    except Exception as e:
        sock.close()
        print(peer, describe(e))
