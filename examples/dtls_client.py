# A DTLS client for dtls_server.py: verifies the server and echoes a line.
#   micropython dtls_client.py [host] [port]   (needs ca.der)
import socket
import ssl
import sys

HOST = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 4433

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.connect(socket.getaddrinfo(HOST, PORT)[0][-1])
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.load_verify_locations(cafile="ca.der")
conn = ctx.wrap_socket(sock, server_hostname="example.com")
conn.send(b"hello over DTLS")
print(conn.recv(1024))
conn.close()
