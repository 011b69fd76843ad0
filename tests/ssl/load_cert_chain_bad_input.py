# load_cert_chain rejects bad input: unparsable certificate data -> ValueError('invalid cert'),
# unparsable key data -> ValueError('invalid key'), wrong types -> TypeError, a missing file ->
# OSError(ENOENT). Each row has exactly one bad argument.
import ssl
from _common import attempt, data, path

CERT_PEM = data("server_ec.crt.pem")
CERT_DER = data("server_ec.crt.der")
KEY_PEM = data("server_ec.key.pem")
KEY_DER = data("server_ec.p8.der")

ROWS = (
    ("garbage cert", b"garbage", KEY_DER),
    ("garbage key", CERT_DER, b"garbage"),
    ("empty cert", b"", KEY_DER),
    ("empty key", CERT_DER, b""),
    ("truncated DER cert", CERT_DER[: len(CERT_DER) // 2], KEY_DER),
    ("truncated PEM cert", CERT_PEM[: len(CERT_PEM) // 2], KEY_PEM),
    ("truncated DER key", CERT_DER, KEY_DER[: len(KEY_DER) // 2]),
    ("truncated PEM key", CERT_PEM, KEY_PEM[: len(KEY_PEM) // 2]),
    ("PEM cert with corrupt base64", CERT_PEM.replace(b"M", b"*", 3), KEY_PEM),
    ("key data as cert", KEY_DER, KEY_DER),
    ("cert data as key", CERT_DER, CERT_DER),
    ("file of a key as cert", path("server_ec.key.pem"), path("server_ec.key.pem")),
    ("int cert", 123, KEY_DER),
    ("None key", CERT_DER, None),
    ("list cert", [CERT_DER], KEY_DER),
    ("missing cert file", path("no-such.crt.pem"), path("server_ec.key.pem")),
    ("missing key file", path("server_ec.crt.pem"), path("no-such.key.pem")),
    ("valid pair", CERT_DER, KEY_DER),
)

for label, cert, key in ROWS:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    print(label + ":", attempt(ctx.load_cert_chain, cert, key))
