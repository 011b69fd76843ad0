# Every OSError the module raises carries a message (its second argument, a str) saying what
# happened and what to do, besides its code: wrapping a socket that is not connected (was a
# bare OSError: 32), running out of heap while loading certificates (OSError(12,)), a file
# name that is too long (OSError: 36), using a closed SSLSocket, and a server context used to
# connect to a server (which reported "connection closed by peer during handshake"), and a
# read that outlasts the wrapped socket's timeout (a bare ETIMEDOUT).
import socket
import ssl
import _mpssl_testing
from _safety import TLS13, client_context, server_context, pair, stream_pair, connect, describe

CERTS = __import__("_inmemory").CERTS


def check(label, f, *words):
    try:
        f()
        print(label, "no error")
    except Exception as e:
        message = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], str) else ""
        print(label, describe(e), "| message:", bool(message), "| says:", all(w in message for w in words))


def unconnected():
    s = socket.socket()
    try:
        client_context().wrap_socket(s, server_hostname="localhost")
    finally:
        s.close()


check("unconnected socket:", unconnected, "connect")


def out_of_memory():
    ctx = client_context()
    _mpssl_testing.fail_allocation_after(1)
    try:
        ctx.load_verify_locations(cafile=CERTS + "/ca.crt.pem")
    finally:
        _mpssl_testing.fail_allocation_after(0)


check("out of memory while loading:", out_of_memory, "memory")
check("file name too long:", lambda: client_context().load_verify_locations(cafile="x" * 5000), "cafile")
check("missing file:", lambda: client_context().load_verify_locations(cafile=CERTS + "/missing.pem"), "cafile", "missing.pem")


def closed():
    client, server = pair(client_context(), server_context())
    connect(client, server)
    client.close()
    server.close()
    client.write(b"x")


check("closed SSLSocket:", closed, "closed")


def timed_out():
    client, server, stream = stream_pair(client_context(), server_context())
    connect(client, server)

    def timeout(buf):
        raise OSError(110)  # ETIMEDOUT: what a socket with settimeout() raises

    stream.on_read = timeout
    try:
        client.read(10)
    finally:
        client.close()
        server.close()


check("read past the socket's timeout:", timed_out, "settimeout")


def server_as_client(hostname):
    # A server end talking to a server: no ClientHello comes, and the peer gives up.
    a, b = _mpssl_testing.pipe()
    b.close()
    server_context().wrap_socket(a, server_hostname=hostname)


check("server context used as a client:", lambda: server_as_client(None), "PROTOCOL_TLS_CLIENT")
try:
    server_as_client("localhost")
except ValueError as e:
    print("server context given server_hostname: ValueError", "PROTOCOL_TLS_CLIENT" in e.args[0])
