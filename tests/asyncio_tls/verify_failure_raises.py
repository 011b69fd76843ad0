# A failed verification reaches the task that awaits the connection as an
# exception, on both ends, and never as a hang: a client that rejects the
# server's certificate, and a server that requires a client certificate.
import asyncio
import tls
from _tls_helpers import server_context, client_context, start_server, describe

TIMEOUT_S = 5
server_saw = []


async def handle(reader, writer):
    try:
        data = await reader.read(100)
        server_saw.append("read %r" % data)
    except Exception as e:
        server_saw.append(describe(e))
    writer.close()
    await writer.wait_closed()


async def client(port, ctx):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="localhost")
    try:
        writer.write(b"hello")
        await writer.drain()
        return "read %r" % await reader.read(100)
    finally:
        writer.close()
        await writer.wait_closed()


async def case(name, server_ctx, client_ctx):
    server_saw.clear()
    server, port = await start_server(handle, server_ctx)
    try:
        result = "no error: " + await asyncio.wait_for(client(port, client_ctx), TIMEOUT_S)
    except asyncio.TimeoutError:
        result = "hang"
    except OSError as e:
        result = repr(e.args) if e.args and e.args[0] < 0 else describe(e)
    # The server's handler has had its chance to see the failure too.
    for _ in range(TIMEOUT_S * 100):
        if server_saw:
            break
        await asyncio.sleep_ms(10)
    print(name)
    print("  client:", result)
    print("  server:", server_saw[0] if server_saw else "hang")
    server.close()
    await server.wait_closed()


async def main():
    await case("wrong host", server_context("server_wronghost"), client_context())
    await case("unknown CA", server_context("server_unknownca"), client_context())
    await case("expired", server_context("server_expired"), client_context())
    required = server_context(verify_mode=tls.CERT_REQUIRED)
    await case("no client certificate", required, client_context())
    await case("client certificate from an unknown CA", required, client_context("client_unknownca"))
    await case("good client certificate", required, client_context("client_ec"))


asyncio.run(main())
print("done")
