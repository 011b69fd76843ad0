# DTLS 1.2 in memory: the server's first wrap ends in HelloVerify (as the
# documentation describes), the second completes. Then a lost flight is
# recovered by the retransmission timer, which runs on the board's clock.
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import pipe

server_ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
client_ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
client_ctx.verify_mode = ssl.CERT_REQUIRED
client_ctx.load_verify_locations(cadata=C.CA)
CLIENT_ID = b"('10.0.0.2', 5684)"


def dtls_exchange(client, server_end, data, rounds=400000):
    # Runs both ends until the server has read data; re-wraps the server
    # after HelloVerify. Returns (server socket, HelloVerify seen).
    server = server_ctx.wrap_socket(server_end, server_side=True, do_handshake_on_connect=False, client_id=CLIENT_ID)
    hello_verify = False
    written = False
    for _ in range(rounds):
        if not written:
            written = client.write(data) is not None
        try:
            got = server.read(100)
        except OSError as e:
            print("server:", e)
            hello_verify = True
            server = server_ctx.wrap_socket(server_end, server_side=True, do_handshake_on_connect=False, client_id=CLIENT_ID)
            continue
        if got:
            print("server read:", got)
            return server, hello_verify
    raise AssertionError("DTLS handshake stalled")


c, s = pipe(datagram=True)
client = client_ctx.wrap_socket(c, do_handshake_on_connect=False, server_hostname="localhost")
server, hello_verify = dtls_exchange(client, s, b"first datagram")
print("HelloVerify round:", hello_verify)
print(client.cipher()[1], server.cipher()[1])
server.write(b"reply")
for _ in range(100):
    got = client.read(100)
    if got:
        print("client read:", got)
        break
client.close()
server.close()

# Lose the server's first flight after HelloVerify: the client's timer
# expires (1 s) and it sends its ClientHello again.
c, s = pipe(datagram=True)
client = client_ctx.wrap_socket(c, do_handshake_on_connect=False, server_hostname="localhost")
s.lose = (2,)  # 1 is HelloVerifyRequest, 2 the flight from ServerHello on
server, hello_verify = dtls_exchange(client, s, b"after a lost flight")
# Without the loss the client sends 4 datagrams (ClientHello twice, its
# Finished flight, the data); the retransmission adds at least one.
print("client resent after its timer expired:", c.sent >= 5)
client.close()
server.close()
