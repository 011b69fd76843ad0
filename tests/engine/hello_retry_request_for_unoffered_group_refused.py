# CVE-2026-25832 (fixed in Mbed TLS 3.6.7): a TLS 1.3 client must abort with an
# illegal_parameter alert (47) when a HelloRetryRequest selects a group its ClientHello did not
# offer in supported_groups, or the group it already sent a key share for (RFC 8446 4.2.8);
# up to 3.6.6 Mbed TLS took any group. A server scripted in CPython (instance1) reads our
# client's ClientHello, answers with a HelloRetryRequest for a group and reports what the
# client sends back. A HelloRetryRequest for x25519 (offered without a share) is valid: the
# client sends a second ClientHello with an x25519 share, which shows that the scripted
# message is well formed and that the refusals are about the group alone.
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
sys.path.append("../hostile")
from _common import client_context
from _engine import our_client, share_ports

CASES = (
    ("x25519: offered, no share", 0x1D),
    ("secp521r1: not offered", 0x19),
    ("ffdhe2048: not offered", 0x100),
    ("secp256r1: already shared", 0x17),
)


def instance0():
    lsock, cport = share_ports(multitest)
    lsock.close()
    our_client(cport, client_context(), [case for case, _ in CASES])


def instance1():
    from _engine import answer_client_hellos, hello_retry_request
    from _hostile import record

    groups = dict(CASES)

    def answer(case, session_id, extensions):
        return record(22, hello_retry_request(session_id, groups[case]))

    answer_client_hellos(multitest, CPORT, groups, answer)
