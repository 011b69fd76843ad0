# A cafile is indexed at load_verify_locations() and read again at each lookup. If it shrinks
# meanwhile, the handshake raises the OSError the read met, saying to load it again (not a
# misleading "unknown CA"); the connection is failed and closed; a context loaded anew works.
import ssl
from _common import CERTS, data, talk

path = CERTS + "/changing-ca.pem.tmp"
with open(path, "wb") as f:
    f.write(data("unknown_ca.crt.pem") + data("ca.crt.pem"))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.load_verify_locations(cafile=path)
print("as loaded:", talk(ctx, "TLS13_EC"))
with open(path, "wb") as f:
    f.write(data("unknown_ca.crt.pem"))
print("after it shrank:", talk(ctx, "TLS13_EC"))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.verify_mode = ssl.CERT_REQUIRED
with open(path, "wb") as f:
    f.write(data("ca.crt.pem"))
ctx.load_verify_locations(cafile=path)
print("loaded again:", talk(ctx, "TLS13_EC"))
