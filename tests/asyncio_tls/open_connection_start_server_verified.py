# asyncio.open_connection(ssl=ctx) to asyncio.start_server(ssl=ctx): a verified
# (CERT_REQUIRED) connection, both directions, and the peer's certificate.
import asyncio
import tls
from _tls_helpers import server_context, client_context, start_server


async def handle(reader, writer):
    data = await reader.read(100)
    print("server got", data)
    writer.write(b"pong:" + data)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server, port = await start_server(handle, server_context())
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=client_context(), server_hostname="localhost"
    )
    writer.write(b"ping")
    await writer.drain()
    print("client got", await reader.read(100))
    print("eof", await reader.read(100))
    print("peer cert subject", writer.s.getpeercert()["subject"])
    cipher = writer.s.cipher()
    print("cipher", type(cipher), len(cipher), cipher[1])
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    print("done")


asyncio.run(asyncio.wait_for(main(), 20))
