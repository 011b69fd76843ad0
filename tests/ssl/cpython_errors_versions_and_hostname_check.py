# Code written for CPython's ssl: failures are ssl.SSLError (an OSError), verification failures
# ssl.SSLCertVerificationError with CPython's verify_code and a verify_message; check_hostname
# turns the name check off and on; minimum_version / maximum_version pin the protocol version
# that version() then reports; create_default_context() verifies; the socket's server_hostname,
# server_side, context and pending(). Against openssl s_server peers.
import ssl

from _common import CERTS, client_context, connect, data, path


def handshake(ctx, peer, hostname="localhost"):
    # version() of a handshake with PEER, or the exception's type and what CPython code reads.
    sock = connect(peer)
    try:
        s = ctx.wrap_socket(sock, server_hostname=hostname)
    except ssl.SSLCertVerificationError as e:
        sock.close()
        return "SSLCertVerificationError %d %s %s" % (e.verify_code, e.verify_message, isinstance(e, ValueError))
    except ssl.SSLError as e:
        sock.close()
        return "SSLError, an OSError: %s" % isinstance(e, OSError)
    version = s.version()
    s.close()
    return version


print("hierarchy", issubclass(ssl.SSLError, OSError), issubclass(ssl.SSLCertVerificationError, ssl.SSLError))

# Verification failures and their verify_code (OpenSSL's X509_V_ERR_* numbers).
ctx = client_context()
for peer in ("UNKNOWNCA", "EXPIRED", "WRONGHOST"):
    print(peer, handshake(ctx, peer))

# check_hostname: read True once verifying, off for a chain check without the name.
print("check_hostname", ctx.check_hostname)
ctx.check_hostname = False
print("WRONGHOST check_hostname=False:", handshake(ctx, "WRONGHOST"))
print("no server_hostname with check_hostname=False:", handshake(ctx, "TLS13_EC", None))
ctx.check_hostname = True
sock = connect("TLS13_EC")
try:
    ctx.wrap_socket(sock)
except ValueError as e:
    print("check_hostname=True without server_hostname: ValueError", e)
sock.close()
try:
    ctx.verify_mode = ssl.CERT_NONE
except ValueError as e:
    print("CERT_NONE while check_hostname: ValueError")
plain = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
print("SSLContext default", plain.check_hostname, plain.verify_mode == ssl.CERT_NONE)
plain.check_hostname = True
print("check_hostname=True verifies:", plain.verify_mode == ssl.CERT_REQUIRED)

# Protocol versions.
print("defaults", ctx.minimum_version == ssl.TLSVersion.MINIMUM_SUPPORTED, ctx.maximum_version == ssl.TLSVersion.MAXIMUM_SUPPORTED)
print("TLS13_EC default:", handshake(ctx, "TLS13_EC"))
print("TLS12_EC default:", handshake(ctx, "TLS12_EC"))
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
print("TLS13_EC max TLSv1_2:", handshake(ctx, "TLS13_EC"))
ctx.maximum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
print("TLS12_EC min TLSv1_3:", handshake(ctx, "TLS12_EC"))
print("TLS13_EC min TLSv1_3:", handshake(ctx, "TLS13_EC"))
ctx.minimum_version = ssl.TLSVersion.TLSv1
print("min TLSv1 reads back", ctx.minimum_version == ssl.TLSVersion.TLSv1, handshake(ctx, "TLS12_EC"))
for name, value in (("maximum_version", ssl.TLSVersion.TLSv1_1), ("minimum_version", 0x305), ("maximum_version", 7)):
    try:
        setattr(ctx, name, value)
        print(name, value, "accepted")
    except ValueError as e:
        print(name, value, "ValueError")
dtls = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
dtls.maximum_version = ssl.TLSVersion.TLSv1_2
try:
    dtls.minimum_version = ssl.TLSVersion.TLSv1_3
except ValueError as e:
    print("DTLS minimum TLSv1_3: ValueError", e)

# create_default_context().
d = ssl.create_default_context(cafile=path("ca.crt.pem"))
print("default context", d.verify_mode == ssl.CERT_REQUIRED, d.check_hostname, d.minimum_version == ssl.TLSVersion.TLSv1_2)
print("default context TLS13_EC:", handshake(d, "TLS13_EC"), "WRONGHOST:", handshake(d, "WRONGHOST"))
d = ssl.create_default_context(cadata=data("ca.crt.der"))
print("default context from cadata TLS12_EC:", handshake(d, "TLS12_EC"))
# No CA given: the system's, in builds with load_default_certs(); else none, and it refuses.
d = ssl.create_default_context()
result = "system CAs" if hasattr(d, "load_default_certs") else handshake(d, "TLS13_EC")
print("no CA given:", result in ("system CAs", "SSLError, an OSError: True"))
d = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
print("CLIENT_AUTH: a server context", d.verify_mode == ssl.CERT_NONE, d.check_hostname)
try:
    ssl.create_default_context("bogus")
except ValueError:
    print("bad purpose: ValueError")
try:
    ssl.create_default_context(capath=CERTS)
except ValueError as e:
    print("capath: ValueError", e)
print("capath None:", ssl.create_default_context(capath=None, cafile=path("ca.crt.pem")).check_hostname)

# The socket's attributes.
ctx = client_context()
s = ctx.wrap_socket(connect("TLS13_EC"), server_hostname="localhost")
print("server_hostname", s.server_hostname, "server_side", s.server_side, "context", s.context is ctx)
s.write(b"pending\n")
first = s.read(1)
print("pending after 1 byte", s.pending(), first + s.read(s.pending()))
s.close()
print("after close", s.version(), s.pending())
