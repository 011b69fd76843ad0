# 100 TLS clients at once against one asyncio TLS server in the same process,
# every one verified (CERT_REQUIRED, hostname checked) and none lost: each
# client sends a line of 2000 bytes made from its number, and must get
# exactly its own line back (issue 16: 100 concurrent asyncio TLS clients).
#
# Heap: each connection holds about 22 KB of Mbed TLS state while open, and
# here 200 ends (100 clients, 100 server sides) are open together; run with
# -X heapsize=16M (the runner reads the "# heapsize:" line below).
# heapsize: 16M
import asyncio
import gc
from _tls_helpers import server_context, client_context, start_server

CLIENTS = 100
open_now = 0
open_max = 0


async def handle(reader, writer):
    global open_now, open_max
    open_now += 1
    open_max = max(open_max, open_now)
    line = await reader.readline()
    # Hold every connection open until all clients are connected, so the
    # 100 handshakes and sessions really are concurrent (for at most 20 s).
    for _ in range(2000):
        if open_max >= CLIENTS:
            break
        await asyncio.sleep_ms(10)
    writer.write(b"ack " + line)
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    open_now -= 1


async def client(i, ctx, port):
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=ctx, server_hostname="localhost"
    )
    line = ((b"%d-" % i) * 500)[:2000] + b"\n"
    writer.write(line)
    await writer.drain()
    reply = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return reply == b"ack " + line


async def main():
    server, port = await start_server(handle, server_context(), backlog=CLIENTS)
    ctx = client_context()  # one context shared by all clients
    results = await asyncio.gather(*(client(i, ctx, port) for i in range(CLIENTS)), return_exceptions=True)
    ok = sum(1 for r in results if r is True)
    print("clients ok", ok, "of", CLIENTS)
    for i, r in enumerate(results):
        if r is not True:
            print("client", i, "failed:", repr(r))
    print("server saw all at once", open_max == CLIENTS)
    server.close()
    await server.wait_closed()


asyncio.run(asyncio.wait_for(main(), 60))
gc.collect()
print("done")
