#!/usr/bin/env python3
"""The Python-level API fuzzer: seeded random sequences of calls on SSLContext, SSLSocket and
SSLSession objects, run by a MicroPython test build (make fuzz-api: the sanitizer build).

usage: python3 fuzz/api/apifuzz.py [--binary B] [--seconds S] [--seed N] [--cases N]
                                   [--timeout T] [--minimize-seconds M] [--out DIR] [--crashes-only]
       python3 fuzz/api/apifuzz.py --show SEED     print case SEED's script

Each case (one seed) is a script: fuzz/api/prelude.py, then 10 to 60 statements drawn from
STATEMENTS below — every public method and attribute, with odd arguments (wrong types,
huge and negative integers, strings with NUL bytes, None, bytes for str, closed objects,
contexts used on the other side), verify callbacks and Python streams (prelude.End) whose
plans re-enter the sockets and contexts, close them, raise (Exception, SystemExit,
KeyboardInterrupt, GeneratorExit), keep their arguments (read and written later by
_touch()) and lie about counts. Each runs in a process of its own, at most --timeout
seconds. A Python exception is an ordinary outcome; a crash, a sanitizer report, a
non-zero exit, a hang, or what prelude.py checks (a non-Exception from a callback that does
not come out of its statement, a certificate changing under a kept argument) fails the case.

A failed case (the first of each kind) is minimised (statements, then plan entries dropped
while it still fails the same way; --minimize-seconds in all) and saved as DIR/seed-N.py (default build/apifuzz), a standalone script, and printed with its
seed. Ends with "pass fuzz/api" or "FAIL fuzz/api" and "N passed, N failed" (the run counts
as one test); exits non-zero on a failure.
"""

import argparse
import ast
import os
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
with open(os.path.join(HERE, "prelude.py")) as f:
    PRELUDE = f.read()

# ---- Values ----------------------------------------------------------------------------------

ODD = [None, 0, -1, 1, 2**31, 2**32, 2**63, -(2**63), 2**64 + 1, 10**30, 1.5, "", "x", "\x00",
       b"", b"\x00", bytearray(3), [], (), {}, "@c0", "@s0", "@z0", "@e0", "@ssl", "@print"]
PROTOCOLS = ["ssl.PROTOCOL_TLS_CLIENT", "ssl.PROTOCOL_TLS_SERVER", "ssl.PROTOCOL_DTLS_CLIENT",
             "ssl.PROTOCOL_DTLS_SERVER"]
# Each must be refused (_must_raise).
ODD_PROTOCOLS = ["2**32", "2**32 + ssl.PROTOCOL_TLS_CLIENT", "2**64 + ssl.PROTOCOL_TLS_SERVER",
                 "-1", "-(2**32) + ssl.PROTOCOL_TLS_CLIENT", "99", "None", "'0'", "1.0"]
CERT_CHAINS = ["CERT, KEY", "CERT_PEM, KEY_PEM", "CERT_PATH, KEY_PATH", "CERT_RSA, KEY_RSA",
               "CERT, KEY_RSA", "KEY, CERT", "CERT_PATH + '\\x00junk', KEY_PATH", "CERT, None",
               "None, KEY", "b'\\x30\\x82', KEY", "CERT + b'\\x00' * 5, KEY", "bytearray(CERT), memoryview(KEY)",
               "CERT_PEM.decode(), KEY_PEM.decode()", "CERT, KEY_PEM[:40]", "123, KEY", "'', ''",
               "CA, KEY"]
VERIFY_LOCATIONS = ["cadata=CA", "cadata=CA_PEM", "cadata=CA_PEM.decode()", "cafile=CA_PATH",
                    "cadata=CA + CA", "cadata=CA[:100]", "cadata='-----BEGIN CERTIFICATE-----\\x00'",
                    "cafile=CA_PATH + '\\x00x'", "cafile=b'/nonexistent'", "cadata=None", "",
                    "cafile=CA_PATH, cadata=CA", "cadata=memoryview(CA)", "cadata=5", "cafile=5",
                    "cadata=CERT", "cadata=bytearray(CA_PEM)"]
SUITES = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256",
          "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"]
ODD_SUITES = ["TLS_AES_128_GCM_SHA256\x00junk", "", "NOPE", "tls_aes_128_gcm_sha256", "x" * 300]
HOSTNAMES = ["'localhost'", "'localhost'", "'example.com\\x00.attacker.example'", "''", "None",
             "b'localhost'", "5", "'a' * 300", "'localhost\\x00'", "'*.localhost'", "'LOCALHOST'"]
PAYLOADS = ["b'hello'", "b'x' * 20000", "bytearray(b'abc')", "memoryview(b'0123456789')[2:5]", "''",
            "'text'", "None", "5", "b''", "bytearray(70000)", "[1, 2]"]
SIZES = ["1", "5", "64", "16384", "0", "-1", "2**31", "2**64", "None", "'3'"]
EXCEPTIONS = ["OSError", "ValueError", "MemoryError", "SystemExit", "KeyboardInterrupt", "GeneratorExit"]
RETURNS = [-1, -11, -110, -(2**40), 2**64, 2**31, "3", 1.5, b"x", [], None, True]
METHODS = [("close", ()), ("read", (5,)), ("write", (b"re-entered",)), ("do_handshake", ()),
           ("getpeercert", (True,)), ("cipher", ()), ("setblocking", (False,)), ("readinto", (bytearray(8),)),
           ("__del__", ()), ("version", ()), ("pending", ()), ("selected_alpn_protocol", ())]
CONTEXT_CALLS = [("set_ciphers", (["TLS_AES_128_GCM_SHA256"],)), ("load_cert_chain", ("@CERT", "@KEY")),
                 ("load_verify_locations", (None, "@CA")), ("__del__", ()), ("get_ciphers", ()),
                 ("set_alpn_protocols", (["h2", "http/1.1"],))]
ALPN_LISTS = ["['h2', 'http/1.1']", "['http/1.1']", "['mqtt']", "[]", "['']", "['x' * 256]", "[b'h2']", "'h2'",
              "None", "['a\\x00b']", "['mqtt'] * 30000", "[5]"]
VERSIONS = ["ssl.TLSVersion.TLSv1_2", "ssl.TLSVersion.TLSv1_3", "ssl.TLSVersion.MINIMUM_SUPPORTED",
            "ssl.TLSVersion.MAXIMUM_SUPPORTED", "ssl.TLSVersion.TLSv1", "0x305", "-3", "'x'", "2**64", "None"]

N_CONTEXTS, N_ENDS, N_SOCKETS, N_SESSIONS = 3, 6, 6, 3


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, items):
        return self.r.choice(items)

    def ctx(self):
        return "c%d" % self.r.randrange(N_CONTEXTS)

    def sock(self):
        return "s%d" % self.r.randrange(N_SOCKETS)

    def end(self):
        return "e%d" % self.r.randrange(N_ENDS)

    def session(self):
        return "z%d" % self.r.randrange(N_SESSIONS)

    def odd(self):
        value = self.pick(ODD)
        return value[1:] if isinstance(value, str) and value.startswith("@") else _lit(value)

    def action(self, stream, own):
        # own: the socket this stream or callback most likely serves (re-entering it is the
        # point), else any.
        r = self.r
        kind = r.choice(["more", "ret", "raise", "raise", "keep", "call", "call", "gc"] if stream
                        else ["ret", "raise", "raise", "keep", "keep", "call", "call", "gc"])
        if kind == "more":
            return ("more", r.choice([1, 7, 100, 5000, 20000, 70000, 2**31, 2**62]))
        if kind == "ret":
            return ("ret", r.choice(RETURNS + [0, 1]))
        if kind == "raise":
            return ("raise", r.choice(EXCEPTIONS))
        if kind == "keep":
            return ("keep",)
        if kind == "gc":
            return ("gc",)
        if r.random() < 0.7:
            method, args = r.choice(METHODS)
            return ("call", "@" + (own if own and r.random() < 0.6 else self.sock()), method, args)
        method, args = r.choice(CONTEXT_CALLS)
        return ("call", "@" + self.ctx(), method, args)

    def plan(self, stream, calls=60, own=None):
        # Early calls (the handshake's first flights) more often than late ones.
        return {self.r.randrange(self.r.choice([calls, 8])): self.action(stream, own)
                for _ in range(self.r.randrange(5))}

    # Statements: each returns one line of Python.
    def new_context(self):
        if self.r.random() < 0.85:
            return "%s = ssl.SSLContext(%s)" % (self.ctx(), self.pick(PROTOCOLS))
        return "%s = _must_raise('protocol out of range', ssl.SSLContext, %s)" % (self.ctx(), self.pick(ODD_PROTOCOLS))

    def load_cert_chain(self):
        return "%s.load_cert_chain(%s)" % (self.ctx(), self.pick(CERT_CHAINS))

    def load_verify(self):
        return "%s.load_verify_locations(%s)" % (self.ctx(), self.pick(VERIFY_LOCATIONS))

    def verify_mode(self):
        if self.r.random() < 0.7:
            mode = self.pick(["ssl.CERT_NONE", "ssl.CERT_OPTIONAL", "ssl.CERT_REQUIRED"])
            return "%s.verify_mode = %s" % (self.ctx(), mode)
        mode = self.pick(["5", "-1", "2**40", "2**64 + ssl.CERT_NONE", "'x'", "None"])
        return "_must_raise('verify_mode out of range', setattr, %s, 'verify_mode', %s)" % (self.ctx(), mode)

    def verify_callback(self, ctx=None):
        r = self.r.random()
        if r < 0.8:
            value = "Cb(%s, %s)" % (_lit(self.plan(False, 3, "s1")), _lit(self.r.choice([0, 0, 0, 1, -1, None, "x", 2**70])))
        else:
            value = self.pick(["None", "5", "print", "'callback'", "lambda: 0", "lambda *a: 0"])
        return "%s.verify_callback = %s" % (ctx or self.ctx(), value)

    def sni_callback(self, ctx=None):
        if self.r.random() < 0.8:
            ret = _lit(self.r.choice([None, None, None, 112, 40, "x", -1, 2**70]))
            switch = self.pick(["None", "None", "'@c0'", "'@c1'", "'@c2'", "'@s0'", "5"])
            value = "SniCb(%s, %s, %s)" % (_lit(self.plan(False, 2, "s0")), ret, switch)
        else:
            value = self.pick(["None", "5", "print", "lambda *a: None"])
        return "%s.sni_callback = %s" % (ctx or self.ctx(), value)

    def cpython_names(self):
        # ALPN lists, protocol versions and check_hostname, good and bad.
        ctx = self.ctx()
        return self.pick(["%s.set_alpn_protocols(%s)" % (ctx, self.pick(ALPN_LISTS)),
                          "%s.%s = %s" % (ctx, self.pick(["minimum_version", "maximum_version"]), self.pick(VERSIONS)),
                          "%s.check_hostname = %s" % (ctx, self.pick(["True", "False", "0", "None"]))])

    def max_fragment_length(self):
        if self.r.random() < 0.6:
            value = self.pick(["512", "1024", "2048", "4096", "None"])
            return "%s.max_fragment_length = %s" % (self.ctx(), value)
        value = self.pick(["100", "2**40", "2**64 + 512", "-1", "'x'", "4096.0"])
        return "_must_raise('max_fragment_length out of range', setattr, %s, 'max_fragment_length', %s)" % (self.ctx(), value)

    def dtls_cid_len(self):
        return "%s.dtls_cid_len = %s" % (self.ctx(), self.pick(["None", "0", "4", "32", "33", "-1", "'x'"]))

    def set_ciphers(self):
        r = self.r.random()
        if r < 0.6:
            names = self.r.sample(SUITES, self.r.randint(1, 3))
        elif r < 0.8:
            names = [self.pick(SUITES), self.pick(ODD_SUITES)]
            return "_must_raise('unknown cipher name', %s.set_ciphers, %s)" % (self.ctx(), _lit(names))
        else:
            return "%s.set_ciphers(%s)" % (self.ctx(), self.pick(["[]", "'TLS_AES_128_GCM_SHA256'", "None", "[5]", "[b'TLS_AES_128_GCM_SHA256']", "['TLS_AES_128_GCM_SHA256'] * 1000"]))
        return "%s.set_ciphers(%s)" % (self.ctx(), _lit(names))

    def psk_or_sign(self):
        # Issue 19: pre-shared keys (upstream's attributes, CPython's callbacks, which run inside
        # the handshake or wrap_socket) and ecdsa_sign_callback, with good and odd values.
        c = self.ctx()
        cb = "Cb(%s, %%s)" % _lit(self.plan(False, 3, self.pick(["s0", "s1"])))
        odd = ["None", "5", "b''", "'x' * 200", "b'k' * 49", "print"]
        return self.pick([
            "%s.psk_identity = %s" % (c, self.pick(["'dev1'", "b'dev1'"] + odd)),
            "%s.psk_key = %s" % (c, self.pick(["b'k' * 16", "'c0ffee'"] + odd)),
            "%s.server_psk_keys = %s" % (c, self.pick(["{b'dev1': b'k' * 16}", cb % "b'k' * 16"] + odd)),
            "%s.set_psk_client_callback(%s)" % (c, self.pick([cb % "('dev1', b'k' * 16)", cb % "b'k'"] + odd)),
            "%s.set_psk_server_callback(%s)" % (c, self.pick([cb % "b'k' * 16", cb % "None", cb % "5"] + odd)),
            "%s.ecdsa_sign_callback = %s" % (c, self.pick([cb % "None", cb % "b'0\\x00'", cb % "5"] + odd)),
        ])

    def get_attr(self):
        target, attr = self.pick([(self.ctx(), "get_ciphers()"), (self.ctx(), "verify_mode"),
                                  (self.ctx(), "verify_callback"), (self.ctx(), "max_fragment_length"),
                                  (self.sock(), "session_reused"), (self.session(), "__class__"),
                                  (self.ctx(), "dtls_cid_len"), (self.sock(), "dtls_cid"),
                                  (self.ctx(), "nonexistent"), (self.sock(), "cipher()"),
                                  (self.sock(), "version()"), (self.sock(), "pending()"),
                                  (self.sock(), "selected_alpn_protocol()"), (self.sock(), "context"),
                                  (self.sock(), "server_hostname"), (self.ctx(), "check_hostname"),
                                  (self.ctx(), "minimum_version"), (self.ctx(), "sni_callback")])
        return "_ = %s.%s" % (target, attr)

    def pipe(self, a=None, b=None, kind=None):
        if a is None:
            a, b = self.r.sample(range(N_ENDS), 2)
        kind = kind or self.pick(["native", "stream", "stream", "dgram", "dgram"])
        if kind == "native":
            return "e%d, e%d = _pipe('native')" % (a, b)
        plans = _lit(self.plan(True, own="s%d" % a)), _lit(self.plan(True, own="s%d" % b))
        return "e%d, e%d = _pipe(%r, %s, %s)" % ((a, b, kind) + plans)

    def wrap(self):
        kwargs = []
        r = self.r
        server = r.random() < 0.5
        kwargs.append("server_side=%s" % (server if r.random() < 0.9 else self.odd()))
        blocking = r.random() < 0.25
        kwargs.append("do_handshake_on_connect=%s" % blocking)
        hostname = None
        if not server or r.random() < 0.2:
            hostname = self.pick(HOSTNAMES)
            kwargs.append("server_hostname=%s" % hostname)
        if r.random() < 0.4:
            kwargs.append("client_id=%s" % self.pick(["b'client'", "b''", "'client'", "None", "5", "b'x' * 1000"]))
        if r.random() < 0.4:
            kwargs.append("session=%s" % self.pick([self.session(), self.session(), "None", "5", self.sock(), self.ctx()]))
        r.shuffle(kwargs)
        sock = self.sock()
        stream = ("e" + sock[1:] if r.random() < 0.5 else self.end()) if r.random() < 0.95 else self.odd()
        # _py(): a blocking handshake over the native pipe would wait for ever (its peer does
        # not move): refused. _track() notes which sockets sit on the native pipe.
        arg = "_py(%s)" % stream if blocking else stream
        if r.random() < 0.1:
            extra = self.pick(["key=KEY, cert=CERT", "cadata=CA, cert_reqs=ssl.CERT_REQUIRED", "cert_reqs=7", "key=5"])
            kwargs = [k.replace("do_handshake_on_connect", "do_handshake") for k in kwargs if not k.startswith(("client_id", "session"))]
            call = "ssl.wrap_socket(%s, %s)" % (arg, ", ".join(kwargs + [extra]))
        else:
            call = "%s.wrap_socket(%s, %s)" % (self.ctx(), arg, ", ".join(kwargs))
        if hostname and "\\x00" in hostname:
            call = re.sub(r"^([\w.]+)\(", r"_must_raise('server_hostname with a NUL byte', \1, ", call)
        return "%s = %s; _track(%s, %s)" % (sock, call, sock, stream)

    def pump(self):
        a, b = self.r.sample(range(N_SOCKETS), 2)
        return "_pump(s%d, s%d, %d)" % (a, b, self.r.choice([1, 3, 10, 30]))

    def socket_call(self):
        s = self.sock()
        r = self.r
        calls = [
            "%s.read(%s)" % (s, self.pick(SIZES)), "%s.read()" % s,
            "%s.readinto(%s)" % (s, self.pick(["bytearray(10)", "bytearray(0)", "memoryview(bytearray(100))[3:9]", "b'immutable'", "None", "bytearray(20000)"])),
            "%s.readinto(bytearray(10), %s)" % (s, self.pick(SIZES)),
            "%s.readline()" % s, "%s.write(%s)" % (s, self.pick(PAYLOADS)),
            "%s.recv(%s)" % (s, self.pick(SIZES)), "%s.send(%s)" % (s, self.pick(PAYLOADS)),
            "%s.sendall(%s)" % (s, self.pick(PAYLOADS)),
            "%s.recv_into(bytearray(%s))" % (s, self.pick(["0", "1", "100"])),
            "%s.setblocking(%s)" % (s, self.pick(["True", "False", "None", "2"])),
            "%s.settimeout(%s)" % (s, self.pick(["0", "0.01", "None", "-1", "'x'", "1e300"])),
            "_py(%s).do_handshake()" % s,
            "%s.getpeercert(%s)" % (s, self.pick(["", "True", "False", "None", "binary_form=True", "5"])),
            "%s.cipher()" % s, "%s.close()" % s, "%s.__del__()" % s,
            "%s.ioctl(%s, %s)" % (s, self.pick(["3", "4", "2**40", "-1", "1"]), self.pick(["1", "4", "0", "2**70"])),
            "%s = %s.session" % (self.session(), s),
            "%s.session = %s" % (s, self.session()),
            "with %s: pass" % s,
        ]
        return r.choice(calls)

    def session_call(self):
        z = self.session()
        return self.pick(["_ = repr(%s)" % z, "%s.__del__()" % z, "_ = %s == %s" % (z, self.session()),
                          "_ = ssl.SSLSession()", "_ = ssl.SSLSession(%s)" % self.odd(),
                          "_ = %s.serialize()" % z, "%s = ssl.SSLSession(%s.serialize())" % (self.session(), z),
                          "_ = ssl.SSLSession(%s.serialize()[:%d])" % (z, self.r.randint(0, 900))])

    def misc(self):
        return self.pick(["_touch()", "_touch()", "_gc()", "del %s" % self.sock(), "del %s" % self.ctx(),
                          "%s.close()" % self.end(), "_ = %s.write(b'\\x16\\x03\\x01\\x00\\x05hello')" % self.end(),
                          "%s.__del__()" % self.ctx(), "_ = ssl.SSLContext(%s)" % self.odd(),
                          "_ = ssl.wrap_socket(%s, do_handshake=False)" % self.odd()])

    def case(self, n):
        weights = [(self.new_context, 6), (self.load_cert_chain, 5), (self.load_verify, 3),
                   (self.verify_mode, 3), (self.verify_callback, 4), (self.max_fragment_length, 1), (self.dtls_cid_len, 1),
                   (self.set_ciphers, 2), (self.get_attr, 1), (self.pipe, 6), (self.wrap, 8),
                   (self.pump, 8), (self.socket_call, 12), (self.session_call, 1), (self.misc, 4),
                   (self.sni_callback, 2), (self.cpython_names, 2), (self.psk_or_sign, 3)]
        makers = [m for m, w in weights for _ in range(w)]
        # A working start most of the time: a server (s0) and a client (s1) over one pipe.
        lines = []
        if self.r.random() < 0.7:
            kind = self.pick(["native", "stream", "stream", "dgram", "dgram"])
            proto, client_id = ("DTLS", "client_id=b'peer', ") if kind == "dgram" else ("TLS", "")
            lines += ["c0 = ssl.SSLContext(ssl.PROTOCOL_%s_SERVER)" % proto, "c0.load_cert_chain(CERT, KEY)",
                      "c1 = ssl.SSLContext(ssl.PROTOCOL_%s_CLIENT)" % proto]
            if self.r.random() < 0.3:  # the server looks at the name, maybe switches context
                lines += [self.sni_callback("c0"), "c2 = ssl.SSLContext(ssl.PROTOCOL_%s_SERVER)" % proto,
                          "c2.load_cert_chain(CERT, KEY)"]
            if self.r.random() < 0.3:
                lines += ["c0.set_alpn_protocols(['h2', 'http/1.1'])", "c1.set_alpn_protocols(%s)" % self.pick(ALPN_LISTS[:4])]
            if self.r.random() < 0.5:  # the client verifies, through a verify_callback
                lines += ["c1.verify_mode = ssl.CERT_REQUIRED", "c1.load_verify_locations(cadata=CA)",
                          self.verify_callback("c1")]
            lines += [self.pipe(0, 1, kind),
                      "s0 = c0.wrap_socket(e0, server_side=True, %sdo_handshake_on_connect=False); _track(s0, e0)" % client_id,
                      "s1 = c1.wrap_socket(e1, server_hostname='localhost', do_handshake_on_connect=False); _track(s1, e1)"]
        while len(lines) < n:
            lines.append(self.r.choice(makers)())
        return lines


def _lit(value):
    # A Python literal MicroPython reads back; "@name" strings are kept as they are.
    return repr(value)


def generate(seed):
    g = Gen(seed)
    return g.case(g.r.randint(10, 60))


def script(statements):
    out = [PRELUDE, "# ---- case\n"]
    for i, stmt in enumerate(statements):
        out.append("try:\n    %s\nexcept BaseException as e:\n    _caught(e)\n_done(%d)\n" % (stmt, i))
    out.append('print("APIFUZZ-END")\n')
    return "".join(out)


# ---- Running ---------------------------------------------------------------------------------


def run(binary, text, timeout, keep=None):
    """Runs a script; returns (signature, output). signature is None when the case passed."""
    fd, path = tempfile.mkstemp(prefix="apifuzz-", suffix=".py")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    try:
        proc = subprocess.run([binary, path], capture_output=True, timeout=timeout,
                              cwd=ROOT, env=dict(os.environ, MPSSL_CERTS=os.environ.get("MPSSL_CERTS", os.path.join(ROOT, "build", "certs"))))
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + (e.stderr or b"")
        return "hang (over %d s)" % timeout, out.decode(errors="replace")
    finally:
        os.unlink(path)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    return signature(proc.returncode, out), out


def signature(rc, out):
    m = re.search(r"APIFUZZ-FAIL (statement \d+: )?(.*)", out)
    if m:
        return "fail: " + re.sub(r"SystemExit|KeyboardInterrupt|GeneratorExit", "non-Exception", re.sub(r"\(.*", "", m.group(2)))
    m = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer): ([\w-]+)", out)
    if m:
        # Told apart by the first function named in the report's stack.
        frame = re.search(r"#\d+ 0x[0-9a-f]+ in (\w+)", out[m.end():])
        return "%s: %s in %s" % (m.group(1), m.group(2), frame.group(1) if frame else "?")
    m = re.search(r"runtime error: (.*)", out)
    if m:
        return "UBSan: " + re.sub(r"0x[0-9a-f]+|\d+", "_", m.group(1))[:80]
    if rc < 0:
        return "signal %d" % -rc
    if rc != 0:
        return "exit status %d" % rc
    if "APIFUZZ-END" not in out:
        return "no end"
    return None


def minimize(binary, statements, want, timeout, budget):
    """Drops statements (halves, then quarters, ... then one by one), then the entries of the
    plans left, while the case still fails with signature `want`, for at most `budget` s."""
    deadline = time.monotonic() + budget

    def fails(trial):
        return time.monotonic() < deadline and run(binary, script(trial), timeout)[0] == want

    chunk = max(1, len(statements) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        i, changed = 0, False
        while i < len(statements):
            trial = statements[:i] + statements[i + chunk:]
            if trial and fails(trial):
                statements, changed = trial, True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    for i in range(len(statements)):
        smaller = True
        while smaller:
            trials = [t for t in _fewer_plan_entries(statements[i])]
            smaller = next((t for t in trials if fails(statements[:i] + [t] + statements[i + 1:])), None)
            statements[i] = smaller or statements[i]
    return statements


def _fewer_plan_entries(statement):
    # The statement with one entry of one of its plans (dict literals) left out, each way.
    tree = ast.parse(statement)
    dicts = [node for node in ast.walk(tree) if isinstance(node, ast.Dict)]
    for d in dicts:
        for k in range(len(d.keys)):
            keys, values = d.keys, d.values
            d.keys, d.values = keys[:k] + keys[k + 1:], values[:k] + values[k + 1:]
            yield "; ".join(ast.unparse(stmt) for stmt in tree.body)
            d.keys, d.values = keys, values


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.environ.get("MPSSL_MICROPYTHON", os.path.join(ROOT, "build", "asan", "micropython")))
    parser.add_argument("--seconds", type=float, default=75)
    parser.add_argument("--seed", type=int, default=None, help="first seed (default: from the clock)")
    parser.add_argument("--cases", type=int, default=0, help="at most this many cases (0: no limit)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a case may take")
    parser.add_argument("--minimize-seconds", type=float, default=120, help="in all, for every failure")
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "apifuzz"))
    parser.add_argument("--show", type=int, metavar="SEED", help="print case SEED's script and exit")
    parser.add_argument("--crashes-only", action="store_true",
                        help="report what prelude.py checks without failing on it: crashes, sanitizer reports and hangs only")
    args = parser.parse_args()
    if args.crashes_only:
        os.environ["APIFUZZ_CRASHES_ONLY"] = "1"
    if args.show is not None:
        sys.stdout.write(script(generate(args.show)))
        return 0

    first = args.seed if args.seed is not None else int(time.time()) % 1000000 * 1000
    print("fuzz/api: %s, seeds from %d, %g s" % (os.path.relpath(args.binary, ROOT), first, args.seconds), flush=True)
    os.makedirs(args.out, exist_ok=True)
    started = time.monotonic()
    cases, failures = 0, []
    seen = set()
    seed = first
    minimizing = 0.0  # seconds spent minimising, out of --minimize-seconds in all
    while time.monotonic() - started < args.seconds and (not args.cases or cases < args.cases):
        statements = generate(seed)
        sig, out = run(args.binary, script(statements), args.timeout)
        cases += 1
        if sig is not None and sig not in seen:
            seen.add(sig)
            print("\nfuzz/api: seed %d failed: %s\n%s" % (seed, sig, _tail(out)), flush=True)
            budget = args.minimize_seconds - minimizing
            began = time.monotonic()
            small = minimize(args.binary, statements, sig, args.timeout, budget) if budget > 0 else statements
            minimizing += time.monotonic() - began
            saved = os.path.join(args.out, "seed-%d.py" % seed)
            with open(saved, "w") as f:
                f.write(script(small))
            print("fuzz/api: seed %d reduced to %d of %d statements, saved as %s (run it: MPSSL_CERTS=build/certs %s %s):\n%s"
                  % (seed, len(small), len(statements), os.path.relpath(saved, ROOT),
                     os.path.relpath(args.binary, ROOT), os.path.relpath(saved, ROOT),
                     "\n".join("    " + s for s in small)), flush=True)
            failures.append((seed, sig))
        elif sig is not None:
            failures.append((seed, sig))
        seed += 1
    elapsed = time.monotonic() - started
    print("fuzz/api: %d cases (seeds %d to %d) in %.0f s, %d failed" % (cases, first, seed - 1, elapsed, len(failures)))
    for sig in sorted(seen):
        seeds = [s for s, other in failures if other == sig]
        print("fuzz/api: %d failed with %s (seeds %s)" % (len(seeds), sig, " ".join(map(str, seeds[:10]))))
    ok = not failures and cases > 0
    print("pass fuzz/api" if ok else "FAIL fuzz/api")
    print("%d passed, %d failed" % ((1, 0) if ok else (0, 1)))
    return 0 if ok else 1


def _tail(out, lines=40):
    return "\n".join(out.rstrip("\n").split("\n")[-lines:])


if __name__ == "__main__":
    sys.exit(main())
