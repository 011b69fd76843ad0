# An exception raised in a callback cannot unwind through Mbed TLS; once Mbed TLS has returned:
# - one that is not an Exception (SystemExit, KeyboardInterrupt, GeneratorExit), raised in
#   verify_callback or in a stream's readinto() or write(), propagates unchanged (it used to
#   become an OSError and the program carried on); the connection has failed, and later calls
#   raise an OSError that says so;
# - an Exception from verify_callback fails the handshake as "rejected by verify_callback: ..."
#   naming it, the original exception in the OSError's arguments (MicroPython has no __cause__);
# - an Exception from the stream reaches the caller unchanged.
from _safety import TLS12, TLS13, client_context, server_context, pair, stream_pair, transfer, describe, has_message, live, baseline

start = baseline()
KINDS = (SystemExit, KeyboardInterrupt, GeneratorExit, ValueError)


def run(label, setup):
    for suite in (TLS12, TLS13):
        for kind in KINDS:
            original = kind("from the callback")
            client, server, hook = setup(suite, original)
            try:
                transfer(client, server, b"ping")
                transfer(server, client, b"pong")
                first = "no exception"
            except BaseException as e:
                first = type(e).__name__
                if e is original:
                    first += " (the original)"
                elif isinstance(e, OSError):
                    text = str(e.args[1]) if len(e.args) > 1 else ""
                    first += " %s, %s, original in args: %s" % (
                        e.args[0], "rejected by verify_callback: ValueError('from the callback'" in text, e.args[-1] is original)
            try:
                client.write(b"again")
                later = "no exception"
            except BaseException as e:
                later = "%s, message: %s" % (describe(e), has_message(e))
            client.close()
            server.close()
            print(label, suite, kind.__name__, "->", first, "| later:", later)


def verify(suite, original):
    ctx = client_context(suite)

    def callback(cert, depth):
        raise original

    ctx.verify_callback = callback
    client, server = pair(ctx, server_context())
    return client, server, None


def stream(hook):
    def setup(suite, original):
        client, server, s = stream_pair(client_context(suite), server_context())

        def callback(buf):
            raise original

        setattr(s, hook, callback)
        return client, server, s

    return setup


run("verify_callback", verify)
run("readinto", stream("on_read"))
run("write", stream("on_write"))
print("TLS allocations left:", live() - start)
