# Our client and our server agree on a max_fragment_length of 512 and each sends handshake
# messages split over several records (patches/mbedtls/0025), which the other's Mbed TLS puts
# back together: the server a chain of three certificates (2.9 kB, RSA-4096 root), the client
# a chain of three with an RSA-4096 leaf (its CertificateVerify carries a 512-byte signature),
# TLS 1.2 and 1.3, each verifying the other. The records themselves are measured in
# tests/records/handshake_records_within_max_fragment_length.py. MicroPython at both ends:
# skipped against CPython.
import ssl
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, describe, dial, listen, path

PLAN = (("TLS 1.2", ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]), ("TLS 1.3", None))


def instance0():
    if sys.implementation.name != "micropython":
        multitest.skip()
    lsock, port = listen()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(path("pub_server.fullchain.pem"), path("pub_server.key.pem"))
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cafile=path("ca.crt.pem"))
    multitest.globals(PORT=port)
    multitest.next()
    for label, _ in PLAN:
        conn, _ = lsock.accept()
        try:
            s = ctx.wrap_socket(conn, server_side=True)
            s.write(s.readline().upper())
            print("server", label, "client certificate:", s.getpeercert()["subject"][-1])
            s.close()
        except Exception as e:
            conn.close()
            print("server", label, describe(e))
    lsock.close()


def instance1():
    if sys.implementation.name != "micropython":
        multitest.skip()
    multitest.next()
    for label, ciphers in PLAN:
        ctx = client_context("pub_root.crt.pem")
        ctx.max_fragment_length = 512
        ctx.load_cert_chain(path("client_rsa4096.chain.pem"), path("client_rsa4096.key.pem"))
        if ciphers:
            ctx.set_ciphers(ciphers)
        sock = dial(PORT)
        try:
            s = ctx.wrap_socket(sock, server_hostname="www.example.test")
            s.write(b"fragments\n")
            print("client", label, s.readline(), s.cipher()[1])
            s.close()
        except Exception as e:
            sock.close()
            print("client", label, describe(e))
