# What sni_callback, SSLSocket.context and keylog_filename do with code that misbehaves: an
# exception from the callback, a result that is not an alert number, a context switch to
# something unfit or outside the callback, a switch done twice, a key log that cannot be
# written; each raises a clear exception at the caller and the connection fails cleanly. A
# second round of the same connections leaves no more TLS allocations alive than the first
# (what the first leaves are caches and the contexts kept). Over in-memory pipes, TLS 1.2, 1.3.
import ssl
from _safety import TLS12, TLS13, client_context, connect, describe, has_message, live, pair, server_context

other = server_context("server_rsa.crt.der", "server_rsa.key.der")
client_only = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
no_cert = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)


def raises(sock, name, ctx):
    raise KeyError("from sni_callback")


def returns_text(sock, name, ctx):
    return "no"


def switch_to(target):
    def callback(sock, name, ctx):
        sock.context = target

    return callback


def switch_twice(sock, name, ctx):
    sock.context = other
    sock.context = ctx


CALLBACKS = (
    ("raises KeyError", raises),
    ("returns a str", returns_text),
    ("switches to a client context", switch_to(client_only)),
    ("switches to a context without a certificate", switch_to(no_cert)),
    ("switches to a str", switch_to("ctx")),
    ("switches twice", switch_twice),
)
after_round = []
for round in (1, 2):
    for suite in (TLS12, TLS13):
        for label, callback in CALLBACKS:
            ctx = server_context()
            ctx.sni_callback = callback
            client, server = pair(client_context(suite), ctx)
            result = connect(client, server)
            if round == 1:
                print(suite, label, "->", result)
            client.close()
            server.close()
    client = server = ctx = None
    after_round.append(live())
print("TLS allocations grew in the second round:", after_round[1] - after_round[0])

# Outside the callback, and on a client context.
client, server = pair(client_context(TLS13), server_context())
print("switch after the handshake:", connect(client, server), end=" ")
try:
    server.context = other
except ValueError as e:
    print("ValueError", has_message(e))
client.close()
server.close()
try:
    client_only.sni_callback = raises
except ValueError as e:
    print("sni_callback on a client context: ValueError", has_message(e))
try:
    server_context().sni_callback = 5
except TypeError as e:
    print("sni_callback not callable: TypeError")

# A key log that cannot be opened is refused when set; one that fails later fails the handshake.
ctx = client_context(TLS13)
try:
    ctx.keylog_filename = "/nonexistent-dir/keys.txt"
except OSError as e:
    print("keylog in a missing directory:", describe(e))
try:
    ctx.keylog_filename = 5
except TypeError:
    print("keylog_filename not a str: TypeError")
print("keylog_filename after both:", ctx.keylog_filename)
