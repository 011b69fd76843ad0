# close() or __del__() of the SSLSocket from inside the write() of the stream it wraps, while
# close() is sending close_notify: the close goes on once, the peer gets one close_notify and
# the wrapped stream is closed. (The deferred close used to run close() again on leaving Mbed
# TLS, which sent close_notify again into the same write(), until the recursion limit raised
# RuntimeError out of close().)
from _safety import TLS12, TLS13, client_context, server_context, stream_pair, connect, outcome, live, baseline

start = baseline()


def run(suite, name, action):
    client, server, stream = stream_pair(client_context(suite), server_context())
    print(suite, name, "handshake:", connect(client, server))
    calls = []

    def on_write(buf):
        calls.append(len(buf))
        action(client)

    stream.on_write = on_write
    print("  close():", outcome(client.close), "| write() calls:", len(calls))
    print("  peer reads:", outcome(server.read, 10), "| wrapped stream:", outcome(stream.end.read, 1))
    print("  again:", outcome(client.close), outcome(client.write, b"x"))
    server.close()


for suite in (TLS12, TLS13):
    run(suite, "close", lambda s: s.close())
    run(suite, "__del__", lambda s: s.__del__())
print("TLS allocations left:", live() - start)
