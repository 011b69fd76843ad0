# Records the fuzz targets' seed corpora from real handshakes: a client and a server of our
# module talk through in-memory links that keep what each side sends; the bytes one side sent
# become a seed for the target that plays the other side. Also seeds for "load" from the test
# certificates. Run by `make fuzz-corpus` under build/micropython-test:
#   MPSSL_CERTS=build/certs build/micropython-test fuzz/record_seeds.py fuzz/corpus
import sys

exec(open(sys.argv[0].rsplit("/", 1)[0] + "/_prelude.py").read())

OUT = sys.argv[1]


class Stream(io.IOBase):
    # One end of an in-memory byte stream that keeps everything it writes (in `log`).
    def __init__(self):
        self.inbox = b""
        self.peer = None
        self.log = b""

    def readinto(self, buf):
        if not self.inbox:
            return None
        n = min(len(buf), len(self.inbox))
        buf[:n] = self.inbox[:n]
        self.inbox = self.inbox[n:]
        return n

    def write(self, buf):
        self.peer.inbox += bytes(buf)
        self.log += bytes(buf)
        return len(buf)

    def ioctl(self, req, arg):
        if req == 3:
            return (arg & 0x0004) | ((arg & 0x0001) if self.inbox else 0)
        return 0


def write_seed(target, name, data):
    try:
        os.mkdir(OUT + "/" + target)
    except OSError:
        pass
    with open(OUT + "/" + target + "/seed-" + name, "wb") as f:
        f.write(data)


def run(client, server, rounds=2000):
    # Both ends until the client has sent "ping" and read the server's reply.
    out = [b"ping", b""]
    got = [b"", b""]
    for _ in range(rounds):
        if out[0]:
            n = client.write(out[0])
            if n:
                out[0] = out[0][n:]
        r = server.read(100)
        if r:
            got[1] += r
            if got[1] == b"ping":
                server.write(b"pong " * 200)
        r = client.read(2000)
        if r:
            got[0] += r
            if len(got[0]) == 1000:
                return
    raise AssertionError("recording handshake stalled")


def session_bytes(blob):
    # Mbed TLS's part of a serialized session (see mpssl/ssl_session.c): after the header and
    # the server_hostname and certificate fields, before the digest.
    i = 6
    for _ in range(2):
        n = int.from_bytes(blob[i : i + 4], "big")
        i += 4 + (0 if n == 0xFFFFFFFF else n)
    n = int.from_bytes(blob[i : i + 4], "big")
    return blob[i + 4 : i + 4 + n]


def context(protocol, suites=None, cert_name=None, verify=None):
    ctx = ssl.SSLContext(protocol)
    if cert_name:
        ctx.load_cert_chain(cert(cert_name + ".crt.der"), cert(cert_name + ".key.der"))
    if verify is not None:
        ctx.verify_mode = verify
        ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    if suites:
        ctx.set_ciphers(suites)
    return ctx


TLS12 = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]
TLS12_CHACHA = ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"]
TLS13 = ["TLS_AES_128_GCM_SHA256"]
# (name, client suites, client certificate, server asks for one, tls_client flags)
TLS_CASES = (
    ("tls13", None, None, False, 1),
    ("tls13-verified", None, None, False, 0),
    ("tls12", TLS12, None, False, 2),
    ("tls12-chacha", TLS12_CHACHA, None, False, 1),
    ("tls13-only", TLS13, None, False, 3),
    ("tls13-client-cert", None, "client_ec", True, 1),
    ("tls12-client-cert", TLS12, "client_ec", True, 2),
)
for name, suites, client_cert, ask, client_flags in TLS_CASES:
    verify = ssl.CERT_REQUIRED if client_flags == 0 else None
    cctx = context(ssl.PROTOCOL_TLS_CLIENT, suites, client_cert, verify)
    sctx = context(ssl.PROTOCOL_TLS_SERVER, None, "server_ec", ssl.CERT_OPTIONAL if ask else None)
    a, b = Stream(), Stream()
    a.peer, b.peer = b, a
    client = cctx.wrap_socket(a, server_hostname="localhost", do_handshake_on_connect=False)
    server = sctx.wrap_socket(b, server_side=True, do_handshake_on_connect=False)
    run(client, server)
    blob = client.session.serialize()  # TLS 1.3: the ticket came with the reply
    write_seed("session", name, b"\x00" + session_bytes(blob))
    write_seed("session", name + "-blob", b"\x01" + blob[4:-32])
    client.close()
    server.close()
    write_seed("tls_server", name, bytes([1 if ask else 0]) + a.log)
    write_seed("tls_server", name + "-eof", bytes([(1 if ask else 0) | 2]) + a.log)
    write_seed("tls_client", name, bytes([client_flags]) + b.log)
    write_seed("tls_client", name + "-eof", bytes([client_flags | 4]) + b.log)

# DTLS: the client's datagrams, HelloVerify round included.
cctx = context(ssl.PROTOCOL_DTLS_CLIENT)
sctx = context(ssl.PROTOCOL_DTLS_SERVER, None, "server_ec")
for name, suites in (("dtls", None), ("dtls-chacha", TLS12_CHACHA)):
    if suites:
        cctx.set_ciphers(suites)
    a, b = Datagrams(), Datagrams()
    client = cctx.wrap_socket(a, server_hostname="localhost", do_handshake_on_connect=False)
    server = None
    done = False
    sent_by_client = []
    for _ in range(2000):
        if not done:
            done = client.write(b"ping") is not None
        while a.sent:
            sent_by_client.append(a.sent.pop(0))
            b.inbox.append(sent_by_client[-1])
        while b.sent:
            a.inbox.append(b.sent.pop(0))
        try:
            if server is None:
                server = sctx.wrap_socket(b, server_side=True, do_handshake_on_connect=False, client_id=b"x")
            if server.read(100) == b"ping":
                break
        except OSError:  # HelloVerify: wrap again, as the documentation's server does
            server = None
        client.read(100)
    else:
        raise AssertionError("recording DTLS handshake stalled")
    client.close()
    server.close()
    write_seed("dtls_server", name, b"\xff\xfe".join(sent_by_client))

# load: op byte (see fuzz/load.py) and certificate material as the module takes it.
KEY_NAMES = ("server_ec.key.der", "server_ec.key.pem", "server_rsa.p8.pem", "client_ec.p8.der")
for i, (op, blob) in enumerate(
    (
        (0x00, cert("server_ec.crt.der") + b"\xff\xfe" + cert("server_ec.key.der")),
        (0x00, cert("server_rsa.crt.pem") + b"\xff\xfe" + cert("server_rsa.p8.pem")),
        (0x10, cert("server_chain.chain.pem") + b"\xff\xfe" + cert("server_chain.key.pem")),
        (0x01, cert("server_ec.crt.pem")),
        (0x02, cert("server_ec.key.pem")),
        (0x02, cert("server_ec.p8.der")),
        (0x03, cert("cas.pem")),
        (0x13, cert("cas.der")),
        (0x04, cert("ca.crt.der") + b"\xff\xfe" + cert("inter_ca.crt.pem")),
        (0x05, b"TLS_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,#1"),
        (0x15, b"TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256"),
        (0x06, cert("server_p384.crt.der") + b"\xff\xfe" + cert("server_p384.key.der")),
        (0x07, cert("ca.crt.pem") + b"\xff\xfeTLS_CHACHA20_POLY1305_SHA256"),
    )
):
    write_seed("load", "%02d" % i, bytes([op]) + blob)
print("seeds written to", OUT)
