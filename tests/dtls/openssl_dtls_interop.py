# DTLS interop with OpenSSL, both directions: our client against
# `openssl s_server -dtls1_2 -listen` (its cookie exchange on), then
# `openssl s_client -dtls1_2` against our server; data both ways each time.
# The CPython instance drives the openssl command line.
import sys

sys.path.append(".")
import ssl
from _dtls import CERTS, cert, udp_bind, udp_connect, accept


def openssl(*args):
    # An openssl process with stdin/stdout pipes (CPython only).
    import subprocess

    return subprocess.Popen(
        ("openssl",) + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


def read_line(proc):
    # The next non-empty line openssl prints, skipping its status lines.
    while True:
        line = proc.stdout.readline()
        if not line:
            return ""
        if line.strip() and not line.startswith(("depth=", "verify", "CONNECTION", "DONE")):
            return line.strip()


def instance0():
    # CPython: first an openssl DTLS server, then an openssl DTLS client.
    # Free ports for both servers (instance1 learns them from these globals).
    s, port = udp_bind(300)
    s.close()
    s, our_port = udp_bind(400)
    s.close()
    multitest.globals(OPENSSL_PORT=port, OUR_PORT=our_port)
    server = openssl("s_server", "-dtls1_2", "-listen", "-accept", str(port), "-quiet",
                     "-cert", CERTS + "/server_ec.crt.pem", "-key", CERTS + "/server_ec.key.pem")
    import time

    time.sleep(0.5)  # openssl binds
    multitest.next()
    print("openssl server got:", read_line(server))
    server.stdin.write("from openssl server\n")
    server.stdin.flush()
    multitest.wait("client done")
    server.kill()
    server.wait()
    multitest.wait("our server ready")
    client = openssl("s_client", "-dtls1_2", "-connect", "127.0.0.1:%d" % our_port, "-quiet",
                     "-CAfile", CERTS + "/ca.crt.pem", "-verify_return_error", "-servername", "localhost")
    client.stdin.write("from openssl client\n")
    client.stdin.flush()
    print("openssl client got:", read_line(client))
    multitest.wait("our server done")
    client.kill()
    client.wait()


def instance1():
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(socket.getaddrinfo("127.0.0.1", OUR_PORT)[0][-1])
    multitest.next()
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    c = ctx.wrap_socket(udp_connect(OPENSSL_PORT), server_hostname="localhost")
    print("our client:", c.cipher()[1])
    c.send(b"from our client\n")
    print("our client got:", c.recv(100))
    c.close()
    multitest.broadcast("client done")
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    server_ctx.load_cert_chain(cert("server_ec.crt.der"), cert("server_ec.key.der"))
    multitest.broadcast("our server ready")
    s = accept(server_ctx, sock)
    data = s.recv(100)
    print("our server got:", data)
    s.send(data.upper())
    s.close()
    multitest.broadcast("our server done")
