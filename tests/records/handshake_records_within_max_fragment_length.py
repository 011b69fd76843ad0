# Every record our ends send after granting or being granted a max_fragment_length of 512
# (RFC 6066) stays within it, handshake records included (issue 16, item 4;
# patches/mbedtls/0025): Mbed TLS 3.6.7 split only DTLS handshake messages, so a Certificate,
# CertificateVerify or ServerKeyExchange longer than 512 bytes left in one record.
# Our server: `openssl s_client -maxfraglen 512`, TLS 1.2 and 1.3, with an RSA-4096 certificate
# (its CertificateVerify or ServerKeyExchange carries a 512-byte signature) and a chain of three
# certificates (P-256 leaf, P-384 intermediate, RSA-4096 root: about 2.9 kB); s_client, which
# refuses records over the granted size, must complete and get the reply, and a TCP relay
# between the two reads the header of every record our server sends. One more case sends the
# largest Certificate the 4 KiB output buffer holds, encrypted (TLS 1.3): the RSA-4096
# certificate followed by three CA certificates that do not issue it (s_client ignores them),
# 3.8 kB in eight records. And `gnutls-cli --recordsize=512` (it asks for max_fragment_length
# too), TLS 1.3 and 1.2, the client the issue saw give up ("Decryption has failed").
# Our client (max_fragment_length 512, CPython's OpenSSL grants it): a three-certificate chain
# with an RSA-4096 leaf as client certificate, to a CPython server that asks for one; CPython's
# side reads the header of every record our client sends before OpenSSL sees it.
# The bound a record's length field must keep: 512 for a record in the clear (TLS 1.2 before
# ChangeCipherSpec, TLS 1.3's ServerHello); encrypted, 512 plus what the suite adds to the
# content: TLS 1.2 AES-GCM 24 (explicit nonce and tag), TLS 1.3 16 (the tag; the inner
# content type byte and padding count within the 512, RFC 8449 section 4 as OpenSSL applies it
# to max_fragment_length). The ClientHello is exempt: no size is agreed before it.
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
from _common import client_context, data, describe, dial, listen, path, server_context

LIMIT = 512
GCM12 = ("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256")
GCM13 = ("-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256")
GNUTLS12 = ("--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM")
GNUTLS13 = ("--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3")
# What a suite adds to an encrypted record's content at most (see above; every TLS 1.3 AEAD
# has a 16-byte tag).
EXPANSION = {GCM12: 24, GCM13: 16, GNUTLS12: 24, GNUTLS13: 16}
# certificates, key, s_client's -CAfile and the name it verifies
SERVER_CERTS = {
    "rsa4096": (("server_rsa4096.crt.pem",), "server_rsa4096.key.pem", "ca.crt.pem", "localhost"),
    "chain3": (("pub_server.fullchain.pem",), "pub_server.key.pem", "pub_root.crt.pem", "www.example.test"),
    "padded4": (("server_rsa4096.crt.pem", "pub_root.crt.pem", "pub_inter.crt.pem", "inter_ca.crt.pem"),
                "server_rsa4096.key.pem", "ca.crt.pem", "localhost"),
}
SERVER_CASES = [
    ("1.2", "rsa4096", GCM12),
    ("1.3", "rsa4096", GCM13),
    ("1.2", "chain3", GCM12),
    ("1.3", "chain3", GCM13),
    ("1.3", "padded4", GCM13),
    ("1.3", "chain3", GNUTLS13),
    ("1.2", "rsa4096", GNUTLS12),
]
CLIENT_CASES = [("1.2", GCM12), ("1.3", GCM13)]
LINE = b"hello through the relay\n"


def bounds(suite, records):
    # What the records of one direction, (content type, length) each, show: those over the
    # bound, and whether some (a split message's) fill it exactly. Records after a
    # ChangeCipherSpec (TLS 1.2) or of type application_data (TLS 1.3) are encrypted.
    over = []
    full = False
    encrypted = False
    for kind, length in records:
        bound = LIMIT + (EXPANSION[suite] if encrypted or kind == 23 else 0)
        if length > bound:
            over.append((kind, length))
        full = full or length == bound
        encrypted = encrypted or kind == 20
    return "over the bound: %s, some at the bound: %s" % (over, full)


def instance0():
    import ssl

    lsock, port = listen()
    spare, peer_port = listen()  # for CPython's server, later
    spare.close()
    multitest.globals(PORT=port, PEER_PORT=peer_port)
    multitest.next()
    for version, name, _ in SERVER_CASES:
        certs, key = SERVER_CERTS[name][:2]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(b"".join(data(cert) for cert in certs), data(key))
        conn, _ = lsock.accept()
        try:
            s = ctx.wrap_socket(conn, server_side=True)
            s.write(b"ack: " + s.readline())
            s.close()
            print("server TLS", version, name, "ok")
        except Exception as e:
            conn.close()
            print("server TLS", version, name, describe(e))
    lsock.close()
    multitest.wait("server listening")
    for version, _ in CLIENT_CASES:
        ctx = client_context()
        ctx.max_fragment_length = LIMIT
        ctx.load_cert_chain(path("client_rsa4096.chain.pem"), path("client_rsa4096.key.pem"))
        conn = dial(peer_port)
        try:
            s = ctx.wrap_socket(conn, server_hostname="localhost")
            s.write(LINE)
            print("client TLS", version, "reply:", s.readline())
            s.close()
        except Exception as e:
            conn.close()
            print("client TLS", version, describe(e))


def instance1():
    import select
    import socket
    import ssl
    import subprocess
    import threading
    from _observed import Observed

    def split(data, records):
        # Appends the (type, length) of each whole record at the start of data; the rest.
        while len(data) >= 5 and len(data) >= 5 + int.from_bytes(data[3:5], "big"):
            records.append((data[0], int.from_bytes(data[3:5], "big")))
            data = data[5 + records[-1][1] :]
        return data

    def relay(lsock, records):
        # Carries one connection from lsock to our server both ways until both ends have
        # closed; records: what our server sent.
        near, _ = lsock.accept()
        far = socket.create_connection(("127.0.0.1", PORT))
        live = {near: far, far: near}
        rest = b""
        while live:
            ready, _, _ = select.select(list(live), [], [], 30)
            if not ready:
                break
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    try:
                        live.pop(sock).shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                if sock is far:
                    rest = split(rest + data, records)
                live[sock].sendall(data)
        near.close()
        far.close()

    def s_client(name, suite, relay_port):
        # s_client -maxfraglen 512 through the relay: (exit code, whether the reply came).
        cafile, hostname = SERVER_CERTS[name][2:]
        args = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % relay_port, "-maxfraglen", str(LIMIT)]
        args += list(suite) + ["-CAfile", path(cafile), "-verify_hostname", hostname, "-servername", hostname]
        args += ["-verify_return_error", "-brief", "-ign_eof"]
        proc = subprocess.run(args, input=LINE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        return "s_client rc %d reply %s" % (proc.returncode, b"ack: " + LINE in proc.stdout)

    def gnutls_cli(name, suite, relay_port):
        # gnutls-cli --recordsize=512 through the relay: whether the reply came. Its input
        # stays open until then (at its end gnutls-cli would stop reading).
        subprocess.run(["../../tools/ensure-packages.sh", "gnutls-bin"], check=True)
        cafile, hostname = SERVER_CERTS[name][2:]
        args = ["gnutls-cli", "--recordsize=%d" % LIMIT] + list(suite)
        args += ["--x509cafile", path(cafile), "--sni-hostname", hostname, "--verify-hostname", hostname]
        args += ["-p", str(relay_port), "127.0.0.1"]
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        proc.stdin.write(LINE)
        proc.stdin.flush()
        out = b""
        timer = threading.Timer(30, proc.kill)
        timer.start()
        for chunk in iter(lambda: proc.stdout.read1(4096), b""):
            out += chunk
        timer.cancel()
        proc.stdin.close()
        proc.wait()
        return "gnutls-cli reply %s" % (b"ack: " + LINE in out)

    multitest.next()
    for version, name, suite in SERVER_CASES:
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        records = []
        carrier = threading.Thread(target=relay, args=(lsock, records))
        carrier.start()
        client = gnutls_cli if suite[0] == "--priority" else s_client
        outcome = client(name, suite, lsock.getsockname()[1])
        carrier.join()
        lsock.close()
        print(outcome, "TLS", version, name, bounds(suite, records))

    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", PEER_PORT))
    lsock.listen(1)
    multitest.broadcast("server listening")
    for version, suite in CLIENT_CASES:
        ctx = server_context(mode=ssl.CERT_REQUIRED)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
        conn, _ = lsock.accept()
        peer = Observed(conn, ctx, server_side=True)
        try:
            peer.call(peer.obj.do_handshake)
            line = b""
            while not line.endswith(b"\n"):
                line += peer.call(peer.obj.read, 100)
            peer.call(peer.obj.write, line.upper())
            result = "client certificate %s" % peer.obj.getpeercert()["subject"][-1]
        except (OSError, EOFError) as e:
            result = "failed: %r" % e
        conn.close()
        print("CPython server TLS", version, result, bounds(suite, peer.lengths[1:]))
    lsock.close()
