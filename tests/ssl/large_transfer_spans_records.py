# One write of 39 kB (more than two 16 kB TLS records) reaches the peer intact, and reading the
# 39 kB reply with read(n) and readline gets every byte back in order: TLS 1.2 with AES-GCM and
# AES-CBC, and TLS 1.3.
from _common import client_context, connect, describe

LINES = [("%04d:" % i).encode() + bytes(range(48, 123)) * 13 for i in range(40)]  # 981 B with "\n"
ctx = client_context()
for peer in ("TLS12_RSA", "TLS13_EC", "TLS12_EC_AES256CBC"):
    sock = connect(peer)
    try:
        s = ctx.wrap_socket(sock, server_hostname="localhost")
        n = s.write(b"\n".join(LINES) + b"\n")
        half = s.read(20 * 981)  # the first 20 reversed lines, then the rest line by line
        replies = [half[i * 981 : (i + 1) * 981] for i in range(20)]
        replies += [s.readline() for _ in range(20)]
        ok = sum(r == bytes(reversed(line)) + b"\n" for r, line in zip(replies, LINES))
        print(peer, "wrote", n, "lines back intact", ok)
        s.close()
    except Exception as e:
        sock.close()
        print(peer, describe(e))
