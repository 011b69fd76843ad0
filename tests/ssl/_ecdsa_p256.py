# ECDSA over P-256 in plain Python (MicroPython and CPython), for tests that need a signer
# outside Mbed TLS: what a secure element does behind SSLContext.ecdsa_sign_callback. Slow
# and not constant-time: for tests only.
import os

P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    1,
)


def _double(pt):
    # Jacobian doubling, a = -3.
    x, y, z = pt
    if y == 0:
        return (0, 1, 0)
    zz = z * z % P
    m = 3 * (x - zz) * (x + zz) % P
    yy = y * y % P
    s = 4 * x * yy % P
    x3 = (m * m - 2 * s) % P
    return (x3, (m * (s - x3) - 8 * yy * yy) % P, 2 * y * z % P)


def _add(p1, p2):
    if p1[2] == 0:
        return p2
    if p2[2] == 0:
        return p1
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    z1z1 = z1 * z1 % P
    z2z2 = z2 * z2 % P
    u1 = x1 * z2z2 % P
    u2 = x2 * z1z1 % P
    s1 = y1 * z2 * z2z2 % P
    s2 = y2 * z1 * z1z1 % P
    if u1 == u2:
        return _double(p1) if s1 == s2 else (0, 1, 0)
    h = (u2 - u1) % P
    r = (s2 - s1) % P
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    return (x3, (r * (v - x3) - s1 * hhh) % P, z1 * z2 * h % P)


def _x_of(k):
    # The affine x coordinate of k*G.
    acc = (0, 1, 0)
    for bit in range(255, -1, -1):
        acc = _double(acc)
        if (k >> bit) & 1:
            acc = _add(acc, G)
    zinv = pow(acc[2], P - 2, P)
    return acc[0] * zinv * zinv % P


def _der_int(v):
    b = v.to_bytes(33, "big")
    i = 0
    while i < 32 and b[i] == 0 and b[i + 1] < 0x80:
        i += 1
    b = b[i:]
    return bytes([2, len(b)]) + b


def sign(key, digest):
    # The DER ECDSA signature of digest (leftmost 256 bits) with private scalar key (bytes).
    d = int.from_bytes(bytes(key), "big")
    e = int.from_bytes(bytes(digest[:32]), "big")
    while True:
        k = int.from_bytes(os.urandom(40), "big") % N
        if k == 0:
            continue
        r = _x_of(k) % N
        s = pow(k, N - 2, N) * (e + r * d) % N
        if r and s:
            body = _der_int(r) + _der_int(s)
            return bytes([0x30, len(body)]) + body
