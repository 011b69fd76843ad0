# A small HTTPS server written with the ssl module: answers every request
# with a short HTTP/1.0 page. Serves on port 443 for the client example.
import socket
import ssl

PAGE = b"<h1>Hello from mpssl</h1>\n"

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(socket.getaddrinfo("0.0.0.0", 443)[0][-1])
listener.listen(2)

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("server.der", "server.key")

while True:
    client, addr = listener.accept()
    conn = ctx.wrap_socket(client, server_side=True)
    request = conn.readline()
    while conn.readline() not in (b"\r\n", b""):
        pass
    conn.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE)
    conn.close()
