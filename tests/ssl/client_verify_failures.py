# A verifying client refuses a bad server certificate with OSError(-9984, "certificate verify
# failed: ...") naming every reason; CERT_OPTIONAL verifies like CERT_REQUIRED on a client, and
# CERT_NONE connects to all of them. Matching: SAN DNS names case-insensitively, SAN IP addresses.
import ssl
from _common import client_context, connect, describe, talk

ROWS = (
    ("EXPIRED", "localhost", ssl.CERT_REQUIRED),
    ("FUTURE", "localhost", ssl.CERT_REQUIRED),
    ("WRONGHOST", "localhost", ssl.CERT_REQUIRED),
    ("UNKNOWNCA", "localhost", ssl.CERT_REQUIRED),
    ("EXPIRED", "other.example", ssl.CERT_REQUIRED),
    ("TLS13_EC", "wronghost.example", ssl.CERT_REQUIRED),
    ("UNKNOWNCA", "localhost", ssl.CERT_OPTIONAL),
    ("WRONGHOST", "localhost", ssl.CERT_OPTIONAL),
    ("TLS13_EC", "127.0.0.1", ssl.CERT_REQUIRED),
    ("TLS13_EC", "LocalHost", ssl.CERT_REQUIRED),
    ("WRONGHOST", "wronghost.example", ssl.CERT_REQUIRED),
)
MODES = {ssl.CERT_REQUIRED: "CERT_REQUIRED", ssl.CERT_OPTIONAL: "CERT_OPTIONAL"}
for peer, hostname, mode in ROWS:
    ctx = client_context(mode=mode)
    label = "%s %s %s:" % (peer, hostname, MODES[mode])
    sock = connect(peer)
    try:
        s = ctx.wrap_socket(sock, server_hostname=hostname)
        print(label, "connected", s.cipher()[1])
        s.close()
    except Exception as e:
        sock.close()
        print(label, len(e.args), describe(e))

ctx = client_context(mode=ssl.CERT_NONE)
for peer in ("EXPIRED", "FUTURE", "WRONGHOST", "UNKNOWNCA"):
    print(peer, "CERT_NONE:", talk(ctx, peer))
