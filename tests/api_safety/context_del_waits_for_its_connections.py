# SSLContext.__del__() called by hand while connections still use the context (Mbed TLS's state
# of each points into its configuration): the connections go on and complete, and the last one
# to close frees the configuration. (It used to be freed at once: a server's handshake then
# crashed, a client's failed with a bare Mbed TLS code, an open connection's next record was
# rejected.) The context refuses any further use with a RuntimeError saying to make a new one;
# a second __del__() is harmless. The same deferral covers the garbage collector finalising a
# context before its sockets in one sweep. Nothing is left allocated.
import gc
from _safety import TLS12, TLS13, client_context, server_context, pair, connect, outcome, data, live, baseline

start = baseline()


def handshake_steps(client, server, steps):
    for _ in range(steps):
        for end in (client, server):
            end.read(1)


def run(suite, which, steps):
    contexts = {"client": client_context(suite), "server": server_context()}
    client, server = pair(contexts["client"], contexts["server"])
    handshake_steps(client, server, steps)
    contexts[which].__del__()
    gc.collect()
    print(suite, which, "__del__ after", steps, "steps:", connect(client, server), connect(client, server))
    ctx = contexts[which]
    print("  then:", outcome(ctx.__del__), outcome(ctx.wrap_socket, client),
          outcome(ctx.set_ciphers, [suite]), outcome(ctx.load_verify_locations, None, data("ca.crt.der")),
          outcome(ctx.load_cert_chain, data("server_ec.crt.der"), data("server_ec.key.der")),
          outcome(setattr, ctx, "verify_mode", 0))
    client.close()
    server.close()


for suite in (TLS12, TLS13):
    for which in ("client", "server"):
        for steps in (0, 1, 3):
            run(suite, which, steps)


def from_verify_callback(suite):
    ctx = client_context(suite)

    def callback(cert, depth):
        ctx.__del__()
        return 0

    ctx.verify_callback = callback
    client, server = pair(ctx, server_context())
    print(suite, "__del__ from verify_callback:", connect(client, server))
    client.close()
    server.close()


def dropped_together(suite):
    # Context and sockets unreachable in the middle of a handshake: one sweep finalises them all.
    client, server = pair(client_context(suite), server_context())
    handshake_steps(client, server, 1)


for suite in (TLS12, TLS13):
    from_verify_callback(suite)
    dropped_together(suite)
    gc.collect()
    gc.collect()
print("TLS allocations left:", live() - start)
