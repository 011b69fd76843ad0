# CVE-2026-49300 (fixed in Mbed TLS 3.6.7): a certificate whose basicConstraints holds only a
# pathLenConstraint, SEQUENCE { INTEGER 1 }, is an end-entity certificate (cA defaults to
# FALSE), but Mbed TLS up to 3.6.6 read the INTEGER as cA and took it for a CA. The test CA
# issued such a certificate (pathlen_only, tools/make-certs.sh); its holder signed
# forged_server for example.com and forged_client. Our CERT_REQUIRED client must refuse
# `openssl s_server` presenting forged_server and pathlen_only, over TLS 1.3 and 1.2, and our
# CERT_REQUIRED server must refuse `openssl s_client` presenting forged_client and
# pathlen_only. Each refusal is an OSError with a message (3.6.7 rejects the certificate as
# malformed); on 3.6.6 each connects.
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
sys.path.append("../hostile")
import ssl
from _common import client_context, listen, s_client, s_client_result, server_context
from _engine import our_client, our_server


def impostor(s):
    return "connected to the impostor, subject %r" % (s.getpeercert()["subject"],)


def forged_client(s):
    s.write(b"served\n")
    return "accepted the forged client, subject %r" % (s.getpeercert()["subject"],)


def instance0():
    for peer in ("FORGED13", "FORGED12"):
        our_client(peer, client_context(), [peer], impostor, hostname="example.com")
    sctx = server_context(mode=ssl.CERT_REQUIRED)
    for variant in ("tls13_cert_forged", "tls12_cert_forged"):
        lsock, port = listen()
        ticket = s_client(variant, port)
        our_server(lsock, sctx, [variant], forged_client)
        result = s_client_result(ticket)
        print(variant, "s_client was refused:", result["rc"] != 0 and b"served" not in result["received"])
