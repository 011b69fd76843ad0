# A str that mpssl hands to C with a NUL byte inside raises ValueError: C would stop at the NUL,
# so "localhost\0.attacker.example" used to be checked as localhost (and verify against its
# certificate), and a cipher suite name with junk after a NUL was accepted. Likewise file
# names for certificates and keys. The same names without the NUL work.
import ssl
from _safety import TLS13, client_context, server_context, pair, connect, describe

CERTS = __import__("_inmemory").CERTS


def attempt(label, f):
    try:
        f()
        print(label, "accepted")
    except Exception as e:
        print(label, describe(e))


def handshake(hostname):
    client, server = pair(client_context(), server_context(), hostname=hostname)
    try:
        return connect(client, server)
    finally:
        client.close()
        server.close()


print("hostname ok:", handshake("localhost"))
attempt("hostname with NUL:", lambda: handshake("localhost\x00.attacker.example"))
ctx = client_context()
attempt("cipher ok:", lambda: ctx.set_ciphers([TLS13]))
attempt("cipher with NUL:", lambda: ctx.set_ciphers([TLS13 + "\x00junk"]))
print("ciphers unchanged:", ctx.get_ciphers() == [TLS13])
attempt("cafile with NUL:", lambda: ctx.load_verify_locations(cafile=CERTS + "/ca.crt.pem\x00junk"))
server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
attempt("certfile with NUL:", lambda: server.load_cert_chain(CERTS + "/server_ec.crt.pem\x00x", CERTS + "/server_ec.key.pem"))
attempt("keyfile with NUL:", lambda: server.load_cert_chain(CERTS + "/server_ec.crt.pem", CERTS + "/server_ec.key.pem\x00x"))
attempt("files ok:", lambda: server.load_cert_chain(CERTS + "/server_ec.crt.pem", CERTS + "/server_ec.key.pem"))
