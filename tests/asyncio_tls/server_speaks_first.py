# A protocol where the server greets first (SMTP, POP3, FTP): the client's
# first operation is a read. The TLS handshake must still start, because
# polling a socket whose handshake has not begun has to let the caller in.
import asyncio
from _tls_helpers import server_context, client_context, start_server


async def handle(reader, writer):
    writer.write(b"220 greetings\n")
    await writer.drain()
    print("server got", await reader.readline())
    writer.close()
    await writer.wait_closed()


async def main():
    server, port = await start_server(handle, server_context())
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=client_context(), server_hostname="localhost"
    )
    print("client got", await reader.readline())
    writer.write(b"QUIT\n")
    await writer.drain()
    print("eof", await reader.read(10))
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()


try:
    asyncio.run(asyncio.wait_for(main(), 5))
except asyncio.TimeoutError:
    print("hang: neither side started the handshake")
print("done")
