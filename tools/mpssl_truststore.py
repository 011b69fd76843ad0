#!/usr/bin/env python3
"""Convert a CA bundle (PEM blocks or concatenated DER) into mpssl's compact trust store.

usage: python3 tools/mpssl_truststore.py BUNDLE STORE
       micropython tools/mpssl_truststore.py BUNDLE STORE

Runs on CPython and on MicroPython (a device can convert a bundle on its own filesystem).
Each CA becomes a record of its subject name, validity, public key and basicConstraints;
records are indexed by a hash of the subject, sorted, so that SSLContext finds the issuer a
chain needs without parsing the others. Format: docs/trust-store.md. As a module:
convert(bundle_bytes) -> store bytes.
"""

import binascii
import struct
import sys

MAGIC = b"MPTS"
VERSION = 1
HEADER_LEN = 16
ENTRY_LEN = 12
FLAG_CA = 1
FLAG_PATHLEN = 2
BASIC_CONSTRAINTS = b"\x55\x1d\x13"
KEY_USAGE = b"\x55\x1d\x0f"


def der_element(data, p):
    # (tag, start of contents, end of element) of the DER element at p.
    tag = data[p]
    n = data[p + 1]
    p += 2
    if n & 0x80:
        count = n & 0x7F
        n = 0
        for i in range(count):
            n = n << 8 | data[p + i]
        p += count
    if p + n > len(data):
        raise ValueError("DER element runs past the end of its certificate")
    return tag, p, p + n


def der_int(data, p, end):
    value = 0
    for b in data[p:end]:
        value = value << 8 | b
    return value


def basic_constraints(data, p, end):
    # (cA, pathLenConstraint or None) of basicConstraints' extnValue.
    _, p, end = der_element(data, p)
    ca, pathlen = False, None
    if p < end and data[p] == 0x01:
        _, q, p = der_element(data, p)
        ca = data[q] != 0
    if p < end and data[p] == 0x02:
        _, q, p = der_element(data, p)
        pathlen = der_int(data, q, p)
    return ca, pathlen


def anchor(cert):
    # (subject, validity, spki, ca, pathlen, keepable) of one DER certificate, as bytes and
    # values. keepable: no constraint a record would drop (mpssl/ssl_truststore.c's
    # "unkeepable": a critical extension besides basicConstraints and keyUsage, or a keyUsage
    # without keyCertSign).
    _, p, end = der_element(cert, 0)
    if end != len(cert):
        raise ValueError("certificate length does not match its DER")
    _, p, tbs_end = der_element(cert, p)
    version = 0
    if cert[p] == 0xA0:
        _, q, p = der_element(cert, p)
        _, q, r = der_element(cert, q)
        version = der_int(cert, q, r)
    fields = []
    for _ in range(6):  # serial, signature, issuer, validity, subject, spki
        _, _, e = der_element(cert, p)
        fields.append(cert[p:e])
        p = e
    ca, pathlen, keepable = version == 0, None, True
    while p < tbs_end:
        tag, q, e = der_element(cert, p)
        if tag == 0xA3:
            _, q, ext_end = der_element(cert, q)
            while q < ext_end:
                _, r, next_ext = der_element(cert, q)
                _, o, r = der_element(cert, r)
                oid = cert[o:r]
                critical = False
                if cert[r] == 0x01:
                    _, c, r = der_element(cert, r)
                    critical = cert[c] != 0
                _, v, v_end = der_element(cert, r)
                if oid == BASIC_CONSTRAINTS:
                    ca, pathlen = basic_constraints(cert, v, v_end)
                elif oid == KEY_USAGE:
                    _, b, b_end = der_element(cert, v)
                    keepable = keepable and b_end - b >= 2 and cert[b + 1] & 0x04 != 0
                elif critical:
                    keepable = False
                q = next_ext
        p = e
    return fields[4], fields[3], fields[5], ca, pathlen, keepable


def name_hash(name):
    # FNV-1a, 32 bits: the index key (mpssl/ssl_truststore.c has the same).
    h = 2166136261
    for b in name:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def certificates(bundle):
    # The DER certificates of a PEM or concatenated-DER bundle.
    if b"-----BEGIN " not in bundle:
        p = 0
        while p < len(bundle):
            _, _, end = der_element(bundle, p)
            yield bundle[p:end]
            p = end
        return
    begin = b"-----BEGIN CERTIFICATE-----"
    end_marker = b"-----END CERTIFICATE-----"
    p = bundle.find(begin)
    while p >= 0:
        q = bundle.find(end_marker, p)
        if q < 0:
            raise ValueError("PEM block without its END line (truncated?)")
        yield binascii.a2b_base64(bundle[p + len(begin) : q].replace(b"\r", b"").replace(b"\n", b""))
        p = bundle.find(begin, q)


def convert(bundle):
    records = []
    seen = set()
    for cert in certificates(bundle):
        subject, validity, spki, ca, pathlen, keepable = anchor(cert)
        if not ca:  # an anchor only a CA can be; a certificate trusted as itself stays PEM/DER
            sys.stderr.write("mpssl_truststore: skipped a certificate that is not a CA\n")
            continue
        if not keepable:  # a record cannot carry its constraints: never trust it more widely
            sys.stderr.write("mpssl_truststore: skipped a CA with constraints a record cannot keep "
                             "(a critical extension such as nameConstraints, or keyUsage without keyCertSign)\n")
            continue
        flags = (FLAG_CA if ca else 0) | (FLAG_PATHLEN if pathlen is not None else 0)
        if pathlen is not None and pathlen > 255:
            pathlen = 255
        record = bytes((flags, pathlen or 0)) + subject + validity + spki
        if record in seen:  # the same CA twice: one is enough
            continue
        seen.add(record)
        records.append((name_hash(subject), record))
    records.sort()
    offset = HEADER_LEN + ENTRY_LEN * len(records)
    table = b""
    body = b""
    for h, record in records:
        table += struct.pack("<III", h, offset + len(body), len(record))
        body += record
    total = offset + len(body)
    return MAGIC + struct.pack("<BxxxII", VERSION, len(records), total) + table + body


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    with open(argv[1], "rb") as f:
        store = convert(f.read())
    with open(argv[2], "wb") as f:
        f.write(store)
    print("%s: %d CAs, %d bytes" % (argv[2], struct.unpack("<I", store[8:12])[0], len(store)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
