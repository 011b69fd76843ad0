# Our TLS server (instance0) meets one hostile or broken client after another (instance1,
# CPython over raw sockets, and openssl s_client for renegotiation): each connection fails with
# a clear exception (an OSError with the Mbed TLS code and a message, or an errno), and the
# same server loop then serves a good client. The server asks for a client certificate
# (CERT_OPTIONAL) and sets a 2 s timeout on every SSL socket (10 s for the byte-by-byte client).
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
import socket
import ssl
from _common import listen, path, server_context
from _hostile import explain

CASES = (
    "reset mid-record",
    "half-close after ClientHello",
    "record larger than allowed",
    "record byte by byte with pauses",
    "never answers",
    "asks for renegotiation",
    "offers only TLS 1.1",
    "offers only TLS 1.0",
    "offers only SSLv3",
    "client certificate from an unknown CA",
    "good client",
)


def instance0():
    ctx = server_context(mode=ssl.CERT_OPTIONAL)
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for case in CASES:
        conn, _ = lsock.accept()
        s = None
        try:
            s = ctx.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
            # Byte by byte, a slow (sanitizer, valgrind) server may wait longer than 2 s for the
            # client's next step: that case has a bound that only a stall would reach.
            s.settimeout(10 if case == "record byte by byte with pauses" else 2)
            s.do_handshake()
            line = s.readline()
            s.write(b"served " + line)
            print(case + ":", "served", line)
        except Exception as e:
            print(case + ":", explain(e))
        (s or conn).close()
        multitest.broadcast("next")
    lsock.close()


def instance1():
    import os
    import ssl as cssl
    import subprocess
    import time
    from _hostile import client_hello, record, reset, read_some, alert_of

    def tcp():
        return socket.create_connection(("127.0.0.1", PORT))

    def tls_client(cert=None):
        ctx = cssl.SSLContext(cssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(path("ca.crt.pem"))
        if cert:
            ctx.load_cert_chain(path(cert + ".crt.pem"), path(cert + ".key.pem"))
        return ctx

    def client_hello_record():
        incoming, outgoing = cssl.MemoryBIO(), cssl.MemoryBIO()
        obj = tls_client().wrap_bio(incoming, outgoing, server_hostname="localhost")
        try:
            obj.do_handshake()
        except cssl.SSLWantReadError:
            pass
        return outgoing.read()

    multitest.next()
    for case in CASES:
        try:
            if case == "reset mid-record":
                s = tcp()
                s.sendall(client_hello_record()[:40])
                time.sleep(0.2)
                reset(s)
            elif case == "half-close after ClientHello":
                s = tcp()
                s.sendall(client_hello_record())
                s.shutdown(socket.SHUT_WR)
                read_some(s)
                s.close()
            elif case == "record larger than allowed":
                s = tcp()
                s.sendall(record(22, os.urandom(16384 + 2048 + 1)))
                print(case + ":", "alert", alert_of(read_some(s)))
                s.close()
            elif case == "record byte by byte with pauses":
                s = tcp()
                incoming, outgoing = cssl.MemoryBIO(), cssl.MemoryBIO()
                obj = tls_client().wrap_bio(incoming, outgoing, server_hostname="localhost")

                def flush():
                    for b in outgoing.read():
                        s.sendall(bytes([b]))
                        time.sleep(0.001)

                s.settimeout(15)
                while True:
                    try:
                        obj.do_handshake()
                        break
                    except cssl.SSLWantReadError:
                        flush()
                        incoming.write(s.recv(65536))
                flush()
                obj.write(b"slow\n")
                flush()
                reply = b""
                while not reply.endswith(b"\n"):
                    try:
                        reply += obj.read(100)
                    except cssl.SSLWantReadError:
                        incoming.write(s.recv(65536))
                print(case + ":", reply)
                s.close()
            elif case == "never answers":
                s = tcp()
                multitest.wait("next")
                s.close()
                continue
            elif case == "asks for renegotiation":
                proc = subprocess.Popen(
                    ["openssl", "s_client", "-connect", "127.0.0.1:%d" % PORT, "-tls1_2"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                )
                time.sleep(1)
                proc.stdin.write(b"R\n")  # s_client: renegotiate
                proc.stdin.flush()
                proc.communicate(timeout=10)  # the server refuses: s_client ends
            elif case.startswith("offers only"):
                version = {"TLS 1.1": 0x0302, "TLS 1.0": 0x0301, "SSLv3": 0x0300}[case[12:]]
                s = tcp()
                s.sendall(client_hello(version))
                print(case + ":", "alert", alert_of(read_some(s)))
                s.close()
            else:
                cert = "client_unknownca" if "unknown CA" in case else "client_ec"
                with tls_client(cert).wrap_socket(tcp(), server_hostname="localhost") as s:
                    s.sendall(b"hello\n")
                    print(case + ":", s.recv(100))
        except OSError:
            # Which error (SSLError for the server's alert, SSLEOFError or a reset when the
            # server's close overtakes it) is a race: that the server refused is what counts.
            print(case + ":", "client refused")
        except Exception as e:
            print(case + ":", "client", type(e).__name__, e if isinstance(e, NameError) else "")
        multitest.wait("next")
