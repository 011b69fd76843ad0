# load_cert_chain takes a path (str) or the data (bytes, bytearray), PEM or DER, RSA and EC keys
# as PKCS#1, SEC1 or PKCS#8; a server so configured completes a real handshake and presents
# exactly that certificate.
import ssl
from _common import client_context, data, describe, loopback, path

FORMS = {"path": path, "bytes": data, "bytearray": lambda n: bytearray(data(n))}

ROWS = (
    ("server_ec.crt.pem", "path", "server_ec.key.pem", "path"),  # SEC1 PEM
    ("server_ec.crt.der", "bytes", "server_ec.key.der", "bytes"),  # SEC1 DER
    ("server_ec.crt.pem", "bytes", "server_ec.p8.pem", "bytes"),  # PKCS#8 PEM
    ("server_ec.crt.der", "path", "server_ec.p8.der", "path"),  # PKCS#8 DER
    ("server_ec.crt.der", "bytearray", "server_ec.key.pem", "bytearray"),
    ("server_rsa.crt.pem", "path", "server_rsa.key.pem", "path"),  # PKCS#1 PEM
    ("server_rsa.crt.der", "bytes", "server_rsa.key.der", "bytes"),  # PKCS#1 DER
    ("server_rsa.crt.pem", "bytes", "server_rsa.p8.pem", "bytes"),  # PKCS#8 PEM
    ("server_rsa.crt.der", "path", "server_rsa.p8.der", "path"),  # PKCS#8 DER
    ("server_rsa.crt.pem", "bytearray", "server_rsa.p8.der", "bytearray"),
    ("server_p384.crt.der", "bytes", "server_p384.p8.der", "bytes"),
    ("server_rsa4096.crt.pem", "path", "server_rsa4096.key.pem", "path"),
)

client = client_context()

for cert, cert_form, key, key_form in ROWS:
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    label = "%s %s + %s %s:" % (cert, cert_form, key, key_form)
    try:
        server.load_cert_chain(FORMS[cert_form](cert), FORMS[key_form](key))
        cs, ss, stats = loopback(server, client)
        presented = cs.getpeercert(True) == data(cert.replace(".pem", ".der"))
        print(label, "handshake ok, echo", stats["client_got"], "cert presented", presented)
        cs.close()
        ss.close()
    except Exception as e:
        print(label, describe(e))
