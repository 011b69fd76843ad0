# set_ciphers() with a suite named more than once lists it once, in the place it was first
# named, so any list of valid names gives a working context. (The repeats were kept: get_ciphers()
# returned them all, and a few thousand made the ClientHello too large for the record buffer,
# failing every handshake with OSError 'SSL - A buffer is too small to receive or write a
# message'.)
from _safety import TLS12, TLS13, client_context, server_context, pair, connect, live, baseline

start = baseline()


def run(names):
    ctx = client_context()
    ctx.set_ciphers(names)
    listed = ctx.get_ciphers()
    client, server = pair(ctx, server_context())
    print(len(names), "names ->", len(listed), "listed:", listed[:3], "| handshake:", connect(client, server))
    client.close()
    server.close()


run([TLS13] * 3000)
run([TLS12, TLS13, TLS12, TLS13])
run([TLS13, TLS12, TLS13])
print("TLS allocations left:", live() - start)
