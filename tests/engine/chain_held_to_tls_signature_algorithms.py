# CVE-2026-54441: Mbed TLS applies the signature algorithms a configuration offers to the
# handshake's signatures only; certificate chains are checked against a separate X.509
# profile. mpssl/ssl_context.c sets a profile made of what our signature algorithms allow:
# SHA-256/384/512, ECDSA on P-256 and P-384, RSA (PKCS#1 v1.5, PSS) of 2048 bits or more.
# Our CERT_REQUIRED client against `openssl s_server` peers (tools/run-tests.py): chains
# inside those limits connect (an intermediate CA, RSA-2048, RSA-4096, P-384); a chain whose
# intermediate was signed with ecdsa-with-SHA224, an RSA-1024 leaf and an intermediate with a
# P-521 key (a curve this build does not compile in) are refused, each with an OSError whose
# message names the reason.
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
sys.path.append("../hostile")
from _common import client_context
from _engine import our_client

PEERS = (
    ("CHAIN", "P-256 leaf, P-256 intermediate, SHA-256"),
    ("TLS13_RSA", "RSA-2048 leaf"),
    ("TLS12_RSA4096", "RSA-4096 leaf"),
    ("TLS13_P384", "P-384 leaf"),
    ("SHA224_CHAIN", "intermediate signed with ecdsa-with-SHA224"),
    ("RSA1024", "RSA-1024 leaf"),
    ("P521_CHAIN", "intermediate with a P-521 key"),
)


def talk(s):
    # The `s_server -rev` peer answers a line with the line reversed.
    s.write(b"hello\n")
    return "connected, %r" % s.readline()


def instance0():
    ctx = client_context()
    for peer, what in PEERS:
        our_client(peer, ctx, [what], talk)
