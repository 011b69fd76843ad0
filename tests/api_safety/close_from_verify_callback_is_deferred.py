# close() or __del__() of the SSLSocket from inside its own verify_callback runs while Mbed TLS
# is verifying the chain (it used to free the connection under Mbed TLS's feet): both wait
# until Mbed TLS has returned, then the socket is closed and says so. Any other use of the
# socket there is refused with RuntimeError (the handshake then fails as rejected by
# verify_callback), and so is a change to its SSLContext. No TLS allocation is left behind.
from _safety import TLS12, TLS13, client_context, server_context, pair, connect, live, describe, baseline

start = baseline()


def run(suite, action):
    ctx = client_context(suite)
    sockets = []
    seen = []

    def callback(cert, depth):
        if depth == 0:
            try:
                action(sockets[0], ctx)
                seen.append("returned")
            except Exception as e:
                seen.append(describe(e))
                raise
        return 0

    ctx.verify_callback = callback
    client, server = pair(ctx, server_context())
    sockets.append(client)
    result = connect(client, server)
    again = connect(client, server)
    client.close()
    server.close()
    print(suite, "in callback:", seen, "| handshake:", result, "| then:", again)


actions = {
    "close": lambda s, ctx: s.close(),
    "__del__": lambda s, ctx: s.__del__(),
    "write": lambda s, ctx: s.write(b"x"),
    "read": lambda s, ctx: s.read(1),
    "do_handshake": lambda s, ctx: s.do_handshake(),
    "getpeercert": lambda s, ctx: s.getpeercert(),
    "session": lambda s, ctx: s.session,
    "set_ciphers": lambda s, ctx: ctx.set_ciphers([TLS13]),
    "load_verify_locations": lambda s, ctx: ctx.load_verify_locations(cadata=b"x"),
    "verify_mode": lambda s, ctx: setattr(ctx, "verify_mode", 0),
}
for name in actions:
    print(name)
    for suite in (TLS12, TLS13):
        run(suite, actions[name])
print("TLS allocations left:", live() - start)
