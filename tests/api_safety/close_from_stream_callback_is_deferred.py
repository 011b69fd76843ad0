# A stream written in Python that close()s (or __del__()s) the SSLSocket wrapping it from inside
# its readinto() or write() does so while Mbed TLS is using the connection's buffers (it used
# to free them under Mbed TLS's feet): the close waits until Mbed TLS has returned, then the
# socket is closed and says so. Any other use of the socket there raises RuntimeError, which
# reaches the caller unchanged. During the handshake and after it, reading and writing; no
# TLS allocation is left behind.
from _safety import TLS12, TLS13, client_context, server_context, stream_pair, transfer, connect, live, describe, baseline

start = baseline()


def run(suite, when, hook, action):
    client, server, stream = stream_pair(client_context(suite), server_context())
    if when == "after handshake":
        connect(client, server)
    seen = []

    def callback(buf):
        setattr(stream, hook, None)  # once
        try:
            action(client)
            seen.append("returned")
        except Exception as e:
            seen.append(describe(e))
            raise

    setattr(stream, hook, callback)
    result = connect(client, server)
    again = connect(client, server)
    client.close()
    server.close()
    print(suite, when, hook, "in callback:", seen, "| then:", result, "| again:", again)


actions = {
    "close": lambda s: s.close(),
    "__del__": lambda s: s.__del__(),
    "read": lambda s: s.read(1),
    "write": lambda s: s.write(b"x"),
    "poll": lambda s: s.ioctl(3, 1),
}
for name in actions:
    print(name)
    for suite in (TLS12, TLS13):
        for when in ("in handshake", "after handshake"):
            for hook in ("on_read", "on_write"):
                run(suite, when, hook, actions[name])
print("TLS allocations left:", live() - start)
