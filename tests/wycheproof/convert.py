#!/usr/bin/env python3
"""Turn one Wycheproof vector file (testvectors_v1 JSON) into the lines wycheproof.c reads.

usage: convert.py FILE.json > lines

One line a vector, its group's parameters repeated, fields separated by spaces, binary fields
in hex ("-" when empty):
  ecdsa der|p1363 CURVE HASH PUBLIC-POINT   TCID RESULT MSG SIG
  ecdh ecpoint|asn CURVE                    TCID RESULT PUBLIC PRIVATE SHARED
  xdh                                       TCID RESULT PUBLIC PRIVATE SHARED
  aead gcm|chachapoly                       TCID RESULT KEY IV AAD MSG CT TAG
  rsa-pkcs1 HASH PUBLIC-KEY-DER             TCID RESULT MSG SIG
  rsa-pss HASH MGF1-HASH SALT-LENGTH PUBLIC-KEY-DER   TCID RESULT MSG SIG
RESULT is Wycheproof's verdict: valid, invalid or acceptable. Groups of an algorithm our Mbed
TLS configuration leaves out (a hash other than SHA-224/256/384/512, a mask generation
function other than MGF1) become one line "skip COUNT REASON" each, which the driver counts.
"""

import json
import sys

HASHES = {"SHA-224", "SHA-256", "SHA-384", "SHA-512"}


def hexfield(value):
    return value if value else "-"


def group_lines(algorithm, group):
    """(prefix fields, vector fields' names) of a group, or a reason to skip it."""
    kind = group["type"]
    if kind in ("EcdsaVerify", "EcdsaP1363Verify"):
        form = "der" if kind == "EcdsaVerify" else "p1363"
        key = group["publicKey"]
        if group["sha"] not in HASHES:
            return "hash %s not enabled" % group["sha"]
        return ["ecdsa", form, key["curve"], group["sha"], key["uncompressed"]], ("msg", "sig")
    if kind in ("EcdhEcpointTest", "EcdhTest"):
        return ["ecdh", group["encoding"], group["curve"]], ("public", "private", "shared")
    if kind == "XdhComp":
        return ["xdh"], ("public", "private", "shared")
    if kind == "AeadTest":
        aead = {"AES-GCM": "gcm", "CHACHA20-POLY1305": "chachapoly"}[algorithm]
        return ["aead", aead], ("key", "iv", "aad", "msg", "ct", "tag")
    if kind == "RsassaPkcs1Verify":
        if group["sha"] not in HASHES:
            return "hash %s not enabled" % group["sha"]
        return ["rsa-pkcs1", group["sha"], group["publicKeyDer"]], ("msg", "sig")
    if kind == "RsassaPssVerify":
        if group["sha"] not in HASHES or group.get("mgfSha") not in HASHES:
            return "hash %s / MGF1 hash %s not enabled" % (group["sha"], group.get("mgfSha"))
        if group["mgf"] != "MGF1":
            return "mask generation function %s not enabled" % group["mgf"]
        return ["rsa-pss", group["sha"], group["mgfSha"], str(group["sLen"]),
                group["publicKeyDer"]], ("msg", "sig")
    raise SystemExit("convert.py: group type %s is not handled" % kind)


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    out = []
    for group in data["testGroups"]:
        found = group_lines(data["algorithm"], group)
        if isinstance(found, str):
            out.append("skip %d %s" % (len(group["tests"]), found.replace(" ", "_")))
            continue
        prefix, names = found
        for test in group["tests"]:
            fields = prefix + [str(test["tcId"]), test["result"]]
            fields += [hexfield(test[name]) for name in names]
            out.append(" ".join(fields))
    print("\n".join(out))


if __name__ == "__main__":
    main()
