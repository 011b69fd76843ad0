# Our client and server over two in-memory pipes joined by a relay that passes on 1 to 7 bytes
# a turn each way: every record, handshake and application data, arrives in pieces, so an input
# buffer that must grow for a record (patches/mbedtls/0015: it starts at 1 KiB) grows while
# that record is partly read, and reading resumes in the moved buffer. TLS 1.2 and 1.3, a lone
# certificate and a chain of three (1.4 kB, above the first buffer: it grows in the handshake,
# and with max_fragment_length 1024 the message's fragments are put together in it), with and
# without max_fragment_length: 20 kB each way arrive intact, and every TLS allocation is freed.
import ssl
import _mpssl_testing
from _inmemory import TLS12, TLS13, client_context, data, live

PAYLOAD = bytes(range(256)) * 80  # 20 480 bytes: five full records at our 4 KiB each


def relay(src, dst, step):
    chunk = src.read(1 + step % 7)
    if chunk:
        dst.write(chunk)
        return True
    return False


def trickle(suite, chain, key, max_fragment_length):
    client_ctx = client_context(suite)
    client_ctx.max_fragment_length = max_fragment_length
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(chain, key)
    a, b = _mpssl_testing.pipe()
    c, d = _mpssl_testing.pipe()
    client = client_ctx.wrap_socket(a, server_hostname="localhost", do_handshake_on_connect=False)
    server = server_ctx.wrap_socket(d, server_side=True, do_handshake_on_connect=False)
    sent = {client: 0, server: 0}
    got = {client: b"", server: b""}
    step = idle = 0
    try:
        while len(got[client]) < len(PAYLOAD) or len(got[server]) < len(PAYLOAD):
            progress = False
            for writer, reader in ((client, server), (server, client)):
                if sent[writer] < len(PAYLOAD):
                    n = writer.write(PAYLOAD[sent[writer]:sent[writer] + 3000])
                    if n:
                        sent[writer] += n
                        progress = True
                chunk = reader.read(2000)
                if chunk:
                    got[reader] += chunk
                    progress = True
            progress = relay(b, c, step) or progress
            progress = relay(c, b, step + 3) or progress
            step += 1
            idle = 0 if progress else idle + 1
            if idle > 50:
                return "stalled: got %d and %d bytes" % (len(got[server]), len(got[client]))
        return client.cipher()[1], got[server] == PAYLOAD and got[client] == PAYLOAD
    finally:
        client.close()
        server.close()


SERVERS = (
    ("one certificate", data("server_ec.crt.der"), data("server_ec.key.der")),
    ("chain of three", data("server_chain.crt.pem") + data("inter_ca.crt.pem") + data("ca.crt.pem"),
     data("server_chain.key.pem")),
)
client_context()  # the module's shared state (random generator, PSA) is made once, first
base = live()
for suite in (TLS12, TLS13):
    for name, chain, key in SERVERS:
        for mfl in (None, 1024):
            print(name, mfl, trickle(suite, chain, key, mfl))
print("every TLS allocation freed:", live() == base)
