# 1 MiB each way at the same time through one asyncio TLS connection: the
# server echoes what it reads while the client writes and reads in two tasks.
# Both ends check the byte count and a SHA-256 of everything they saw.
import asyncio
import hashlib
from _tls_helpers import server_context, client_context, start_server

TOTAL = 1024 * 1024
CHUNK = 5000  # not a multiple of the record size


def block(i):
    return bytes((i * 7 + j) & 0xFF for j in range(256))


async def handle(reader, writer):
    got = 0
    h = hashlib.sha256()
    while got < TOTAL:
        data = await reader.read(16384)
        if not data:
            break
        got += len(data)
        h.update(data)
        writer.write(data)
        await writer.drain()
    print("server echoed", got)
    writer.close()
    await writer.wait_closed()


async def send(writer, h):
    pattern = b"".join(block(i) for i in range(64))  # 16 KiB
    sent = 0
    while sent < TOTAL:
        n = min(CHUNK, TOTAL - sent)
        start = sent % len(pattern)
        data = (pattern + pattern)[start : start + n]
        h.update(data)
        writer.write(data)
        await writer.drain()
        sent += n
    return sent


async def receive(reader, h):
    got = 0
    while got < TOTAL:
        data = await reader.read(16384)
        if not data:
            break
        h.update(data)
        got += len(data)
    return got


async def main():
    server, port = await start_server(handle, server_context())
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=client_context(), server_hostname="localhost"
    )
    h_sent = hashlib.sha256()
    h_got = hashlib.sha256()
    sent, got = await asyncio.gather(send(writer, h_sent), receive(reader, h_got))
    print("client sent", sent, "received", got)
    print("same bytes back", h_sent.digest() == h_got.digest())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()


asyncio.run(asyncio.wait_for(main(), 60))
print("done")
