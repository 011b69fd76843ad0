# Trust store cases: which server chains verify against which trusted CAs, and CPython's verdict
# on each. Run by tools/run-tests.py with CPython before the tests (python3 _trust_cases.py
# CERTS): it writes CERTS/trust/caseN.pem (the trusted CAs, concatenated: the system bundle
# /etc/ssl/certs/ca-certificates.crt where a case names SYSTEM), caseN.mpts (the same converted
# by tools/mpssl_truststore.py) and cases.cpython, one tuple per case:
# (label, trust file, server chain, server key, hostname, CPython's verdict: "ok" or "fail");
# and system.cpython, CPython's cert_store_stats() after loading the system bundle.
# tests/ssl/trust_store_verdicts_match_cpython.py compares mpssl's verdicts with those.

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

# (label, trusted CAs (certificate names, SYSTEM: the system bundle), server, hostname)
CASES = (
    ("SHA-1 self-signed root anchors a SHA-256 chain", ("sha1_root",), "server_sha1root", "localhost"),
    ("SHA-1 root's leaf without the root", ("ca",), "server_sha1root", "localhost"),
    ("RSA-4096 > P-384 > P-256: DNS SAN", ("pub_root",), "pub_server", "www.example.test"),
    ("RSA-4096 > P-384 > P-256: wildcard", ("pub_root",), "pub_server", "api.example.test"),
    ("RSA-4096 > P-384 > P-256: wildcard spans one label", ("pub_root",), "pub_server", "a.b.example.test"),
    ("RSA-4096 > P-384 > P-256: bare domain", ("pub_root",), "pub_server", "example.test"),
    ("RSA-4096 > P-384 > P-256: IP SAN", ("pub_root",), "pub_server", "127.0.0.1"),
    ("RSA-4096 > P-384 > P-256: other IP", ("pub_root",), "pub_server", "127.0.0.2"),
    ("RSA-4096 > P-384 > P-256: other root", ("ca",), "pub_server", "www.example.test"),
    ("cross-signed: new root trusted", ("new_root",), "cross_server", "localhost"),
    ("cross-signed: old root trusted", ("old_root",), "cross_server", "localhost"),
    ("cross-signed: both roots trusted", ("old_root", "new_root"), "cross_server", "localhost"),
    ("cross-signed: neither root trusted", ("ca",), "cross_server", "localhost"),
    ("SHA-1 root whose nameConstraints exclude the leaf", ("sha1_constrained_root",), "server_sha1constrained", "localhost"),
    ("SHA-1 root whose keyUsage lacks keyCertSign", ("sha1_nosign_root",), "server_sha1nosign", "localhost"),
    ("system bundle + test root", ("SYSTEM", "ca"), "server_ec", "localhost"),
    ("system bundle alone", ("SYSTEM",), "server_ec", "localhost"),
    ("system bundle + RSA-4096 root last", ("SYSTEM", "pub_root"), "pub_server", "www.example.test"),
    ("system bundle + SHA-1 root last", ("SYSTEM", "sha1_root"), "server_sha1root", "localhost"),
)


def chain_file(certs, server):
    import os

    chain = "%s/%s.chain.pem" % (certs, server)
    return chain if os.path.exists(chain) else "%s/%s.crt.pem" % (certs, server)


def cpython_verdict(trust, chain, key, hostname):
    # A handshake between CPython's server and client over memory BIOs.
    import ssl

    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(chain, key)
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.load_verify_locations(cafile=trust)
    bios = [ssl.MemoryBIO() for _ in range(4)]
    client = client_ctx.wrap_bio(bios[0], bios[1], server_hostname=hostname)
    server = server_ctx.wrap_bio(bios[2], bios[3], server_side=True)
    done = [False, False]
    for _ in range(20):
        for i, end in enumerate((client, server)):
            if not done[i]:
                try:
                    end.do_handshake()
                    done[i] = True
                except ssl.SSLWantReadError:
                    pass
                except ssl.SSLCertVerificationError:
                    return "fail"
                except ssl.SSLError:
                    if i == 1:  # the server saw the client's alert
                        return "fail"
                    raise
        bios[2].write(bios[1].read())
        bios[0].write(bios[3].read())
        if all(done):
            return "ok"
    raise RuntimeError("handshake made no progress")


def write_cases(certs):
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "tools"))
    import mpssl_truststore

    out = os.path.join(certs, "trust")
    os.makedirs(out, exist_ok=True)
    rows = []
    for i, (label, cas, server, hostname) in enumerate(CASES):
        bundle = b""
        for ca in cas:
            path = SYSTEM_BUNDLE if ca == "SYSTEM" else "%s/%s.crt.pem" % (certs, ca)
            with open(path, "rb") as f:
                bundle += f.read()
        trust = os.path.join(out, "case%d.pem" % i)
        with open(trust, "wb") as f:
            f.write(bundle)
        with open(trust[:-4] + ".mpts", "wb") as f:
            f.write(mpssl_truststore.convert(bundle))
        chain = chain_file(certs, server)
        key = "%s/%s.key.pem" % (certs, server)
        rows.append((label, trust, chain, key, hostname, cpython_verdict(trust, chain, key, hostname)))
    with open(os.path.join(out, "cases.cpython"), "w") as f:
        f.write(repr(rows) + "\n")
    # What CPython loads from the system bundle.
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=SYSTEM_BUNDLE)
    with open(os.path.join(out, "system.cpython"), "w") as f:
        f.write(repr(ctx.cert_store_stats()) + "\n")


if __name__ == "__main__":
    import sys

    write_cases(sys.argv[1])
