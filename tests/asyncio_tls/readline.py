# StreamReader.readline over TLS: lines split across writes and records,
# several lines in one record, a long line, and a last line without "\n".
import asyncio
from _tls_helpers import server_context, client_context, start_server


async def handle(reader, writer):
    # The client speaks first, as TLS clients do (see server_speaks_first.py).
    print("server got", await reader.readline())
    writer.write(b"one\ntw")
    await writer.drain()
    await asyncio.sleep_ms(20)
    writer.write(b"o\nthree\nfour\n")
    writer.write(b"x" * 20000 + b"\n")
    writer.write(b"last without newline")
    await writer.drain()
    # Echo the client's lines back, in upper case, until it sends "bye".
    while True:
        line = await reader.readline()
        if line in (b"", b"bye\n"):
            break
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server, port = await start_server(handle, server_context())
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=client_context(), server_hostname="localhost"
    )
    writer.write(b"hello\n")
    await writer.drain()
    for _ in range(4):
        print(await reader.readline())
    long = await reader.readline()
    print(len(long), long == b"x" * 20000 + b"\n")
    print(await reader.read(len("last without newline")))
    for word in (b"alpha\n", b"beta\n", b"gamma\n"):
        writer.write(word)
        await writer.drain()
        print(await reader.readline())
    writer.write(b"bye\n")
    await writer.drain()
    print(await reader.readline())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    print("done")


asyncio.run(asyncio.wait_for(main(), 20))
