# DTLS records above 4 kB from OpenSSL, both directions, when no max_fragment_length was
# agreed: RFC 6066 then allows records of the full 2^14 bytes. `openssl s_client -dtls1_2
# -mtu 18000` sends our server a 12 000-byte line in records of up to 8 kB (its stdin
# buffer); our client, asking no max_fragment_length, takes a 12 000-byte line from
# `openssl s_server -dtls1_2 -mtu 18000`.
# Without patches/mbedtls/0004, in a build with MPSSL_IN_BUFFER_INITIAL=0 (make
# test-fullbuf), our client counts "no max_fragment_length" as the smaller of its input and
# output buffers (4 kB) when it shrinks its input buffer after the handshake, drops the
# larger records and times out; the default build grows the buffer back for them (patch
# 0015). The CPython instance drives openssl.
import sys

sys.path.append(".")
import ssl
from _dtls import CERTS, cert, udp_bind, udp_connect, accept, server_context

LINE_LEN = 12000


def openssl(*args):
    import subprocess

    return subprocess.Popen(
        ("openssl",) + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


def read_line(proc):
    # The next line openssl prints that is not one of its status lines.
    while True:
        line = proc.stdout.readline()
        if not line:
            return ""
        if line.strip() and not line.startswith(("depth=", "verify", "CONNECTION", "DONE")):
            return line.strip()


def line():
    return (b"0123456789abcdef" * (LINE_LEN // 16 + 1))[:LINE_LEN]


def read_records(s):
    # A DTLS recv() returns one record's content: read up to the line's end, and say how
    # large the largest record was (openssl sends stdin in pieces of at most 8 kB).
    data = b""
    largest = 0
    while not data.endswith(b"\n"):
        record = s.recv(20000)
        largest = max(largest, len(record))
        data += record
    return data, largest


def instance0():
    s, port = udp_bind(500)
    s.close()
    s, our_port = udp_bind(600)
    s.close()
    multitest.globals(OPENSSL_PORT=port, OUR_PORT=our_port)
    multitest.next()
    multitest.wait("our server ready")
    client = openssl("s_client", "-dtls1_2", "-mtu", "18000", "-connect", "127.0.0.1:%d" % our_port,
                     "-quiet", "-CAfile", CERTS + "/ca.crt.pem", "-verify_return_error",
                     "-servername", "localhost")
    client.stdin.write(line().decode() + "\n")
    client.stdin.flush()
    print("openssl client got:", read_line(client))
    multitest.wait("our server done")
    client.kill()
    client.wait()
    server = openssl("s_server", "-dtls1_2", "-mtu", "18000", "-listen", "-accept", str(port),
                     "-quiet", "-cert", CERTS + "/server_ec.crt.pem", "-key", CERTS + "/server_ec.key.pem")
    import time

    time.sleep(0.5)  # openssl binds
    multitest.broadcast("openssl server ready")
    print("openssl server got:", read_line(server))
    server.stdin.write(line().decode() + "\n")
    server.stdin.flush()
    multitest.wait("our client done")
    server.kill()
    server.wait()


def instance1():
    import socket

    multitest.next()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(socket.getaddrinfo("127.0.0.1", OUR_PORT)[0][-1])
    ctx = server_context()
    multitest.broadcast("our server ready")
    s = accept(ctx, sock)
    s.settimeout(10)
    data, largest = read_records(s)
    print("our server got", len(data), "bytes, intact:", data == line() + b"\n")
    print("our server: a record above 4 kB:", largest > 4096)
    s.send(b"got %d\n" % len(data))
    s.close()
    multitest.broadcast("our server done")

    multitest.wait("openssl server ready")
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    ctx.max_fragment_length = None
    c = ctx.wrap_socket(udp_connect(OPENSSL_PORT), server_hostname="localhost")
    c.settimeout(10)
    c.send(b"hello\n")
    data, largest = read_records(c)
    print("our client got", len(data), "bytes, intact:", data == line() + b"\n")
    print("our client: a record above 4 kB:", largest > 4096)
    c.close()
    multitest.broadcast("our client done")
