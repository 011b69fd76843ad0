#!/usr/bin/env python3
# The performance suite (issue #6): our MicroPython against upstream's TLS
# module (build/micropython-reference) and CPython's ssl, all measured in this
# one invocation, on loopback. See bench/README.md.
#
# usage: python3 bench/run.py [--quick] [--only METRIC,...] [--json PATH]
# Writes build/bench.json, build/bench.md and build/bench.png; the full mode
# also copies the table and the chart to bench/results.md and bench/results.png.
import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import latency_rows

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
WORKER = os.path.join(ROOT, "bench", "tls_worker.py")
CERTS = os.path.join(BUILD, "certs")

OURS = os.path.join(BUILD, "micropython")
REFERENCE = os.path.join(BUILD, "micropython-reference")
# Ours with Mbed TLS on libc's allocator, for valgrind massif (bench.mk builds it).
OURS_LIBC = os.path.join(BUILD, "micropython-libcalloc")
CPYTHON = sys.executable

# Implementations as rows see them: (name, interpreter, extra worker options).
IMPLS = {
    "ours": (OURS, {}),
    "upstream": (REFERENCE, {}),
    "upstream+NODELAY": (REFERENCE, {"nodelay": "1"}),
    "cpython": (CPYTHON, {}),
}
BASELINES = ["upstream", "upstream+NODELAY", "cpython"]

# Suite names each implementation accepts, by (bulk cipher, TLS version, key type).
CIPHERS = {
    "AES-128-GCM": ("AES_128_GCM_SHA256", "AES-128-GCM-SHA256", "AES128-GCM-SHA256"),
    "AES-256-GCM": ("AES_256_GCM_SHA384", "AES-256-GCM-SHA384", "AES256-GCM-SHA384"),
    "CHACHA20-POLY1305": ("CHACHA20_POLY1305_SHA256", "CHACHA20-POLY1305-SHA256", "CHACHA20-POLY1305"),
}


def suite(impl, cipher, version, key):
    iana, dashed, openssl = CIPHERS[cipher]
    kx = "ECDSA" if key == "server_ec" else "RSA"
    if impl.startswith("ours"):
        return "TLS_" + iana if version == "1.3" else "TLS_ECDHE_%s_WITH_%s" % (kx, iana)
    if impl.startswith("upstream"):
        return None if version == "1.3" else "TLS-ECDHE-%s-WITH-%s" % (kx, dashed)
    if version == "1.3":
        return "TLS_" + iana  # through OPENSSL_CONF, see worker_env()
    return "ECDHE-%s-%s" % (kx, openssl)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def opts_args(opts):
    return ["%s=%s" % kv for kv in sorted(opts.items())]


def worker_env(impl, opts):
    # CPython cannot choose TLS 1.3 suites through ssl; OpenSSL's own
    # configuration can, for the whole process.
    env = dict(os.environ)
    if impl == "cpython" and opts.get("version") == "1.3" and opts.get("ciphers"):
        path = os.path.join(tempfile.gettempdir(), "mpssl-bench-%s.cnf" % opts["ciphers"])
        with open(path, "w") as f:
            f.write("openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\n")
            f.write("Ciphersuites = %s\n" % opts["ciphers"])
        env["OPENSSL_CONF"] = path
    return env


class Server:
    # A worker server process, started and waited for until it is listening.
    def __init__(self, interp, role, opts, env=None, wrapper=(), worker=WORKER):
        self.port = free_port()
        args = list(wrapper) + [interp, worker, role, str(self.port), "certs=" + CERTS] + opts_args(opts)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError("server %s did not start: %s" % (args, self.proc.stderr.read()[-2000:]))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class OpenSSLServer:
    # openssl s_server, the peer that is neither of our binaries; with
    # reverse, it answers each line reversed.
    def __init__(self, cert, reverse=False, extra=()):
        self.port = free_port()
        args = [
            "openssl", "s_server", "-quiet", "-accept", str(self.port),
            "-cert", os.path.join(CERTS, cert + ".crt.pem"), "-key", os.path.join(CERTS, cert + ".key.pem"),
        ] + (["-rev"] if reverse else []) + list(extra)
        self.start(args)

    def start(self, args):
        # Also for other servers' command lines (latency_rows.py: gnutls-serv).
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("%s did not start" % " ".join(args[:2]))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def run_client(interp, role, port, opts, env=None, timeout=300, worker=WORKER):
    args = [interp, worker, role, str(port), "certs=" + CERTS] + opts_args(opts)
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    lines = p.stdout.strip().splitlines()
    if p.returncode != 0 or not lines:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr[-2000:]))
    return json.loads(lines[-1])


# ---- Results ------------------------------------------------------------------

RESULTS = []


def record(metric, case, unit, better, values, na=None, note=None):
    # values: {impl: [samples]}; an impl missing from values with a reason in na is n/a.
    row = {"metric": metric, "case": case, "unit": unit, "better": better, "impls": {}}
    for impl in ["ours"] + BASELINES + ["openssl"]:
        if impl in values and values[impl]:
            v = values[impl]
            row["impls"][impl] = {"median": statistics.median(v), "min": min(v), "max": max(v), "runs": v}
        elif na and impl in na:
            row["impls"][impl] = {"na": na[impl]}
    ours = row["impls"].get("ours", {}).get("median")
    row["ratios"] = {}
    for impl, r in row["impls"].items():
        if impl != "ours" and ours is not None and r.get("median"):
            row["ratios"][impl] = ours / r["median"]
    if note:
        row["note"] = note
    RESULTS.append(row)
    print("  %-34s %s" % (case, fmt_row_short(row)), flush=True)


def fmt_num(x):
    if x >= 1000:
        return "%.0f" % x
    if x >= 100:
        return "%.1f" % x
    if x >= 10:
        return "%.2f" % x
    return "%.3g" % x


def fmt_row_short(row):
    parts = []
    for impl, r in row["impls"].items():
        parts.append("%s=%s" % (impl, fmt_num(r["median"]) if "median" in r else "n/a"))
    return " ".join(parts) + " " + row["unit"]


# ---- Metrics ---------------------------------------------------------------


def bench_handshakes(cfg):
    print("handshakes (sequential handshakes/s, client and server the same implementation)")
    impls = ["ours", "upstream", "upstream+NODELAY", "cpython"]
    # (certificate, version, resumed): full handshakes, then resumed ones (P-256: a resumed
    # handshake makes no signature, the certificate hardly matters), each connection offering
    # the session the one before it gave.
    cases = [(cert, version, False) for cert in ("server_ec", "server_rsa") for version in ("1.2", "1.3")]
    cases += [("server_ec", version, True) for version in ("1.2", "1.3")]
    servers = {}
    samples = {case: {impl: [] for impl in impls} for case in cases}
    na = {}
    try:
        for impl in impls:
            interp, extra = IMPLS[impl]
            for cert in ("server_ec", "server_rsa"):
                servers[impl, cert] = Server(interp, "hs-server", dict(extra, cert=cert))
        # Rounds of every (case, implementation), so that a background load
        # falls on all of them alike.
        for _ in range(cfg["runs"]):
            for case in cases:
                cert, version, resumed = case
                for impl in impls:
                    name = suite(impl, "AES-128-GCM", version, cert)
                    if name is None or (resumed and impl.startswith("upstream")):
                        why = "no session resumption in upstream's tls" if resumed else "TLS 1.3 not in upstream's config"
                        na.setdefault(case, {})[impl] = "n/a: " + why
                        continue
                    interp, extra = IMPLS[impl]
                    slow = impl == "upstream"  # about 10 handshakes/s
                    n = cfg["hs_slow"] if slow else cfg["hs_n"]
                    opts = dict(extra, n=n, version=version, ciphers=name)
                    if resumed:
                        opts["resume"] = "1"
                    r = run_client(interp, "hs-client", servers[impl, cert].port, opts, env=worker_env(impl, opts))
                    if r.get("version") and version not in r["version"]:
                        raise RuntimeError("%s negotiated %s, not TLS %s" % (impl, r["version"], version))
                    if resumed and r["reused"] != r["n"]:
                        raise RuntimeError("%s resumed %d of %d handshakes" % (impl, r["reused"], r["n"]))
                    samples[case][impl].append(r["n"] / r["seconds"])
    finally:
        for s in servers.values():
            s.stop()
    for case in cases:
        cert, version, resumed = case
        key = "P-256" if cert == "server_ec" else "RSA-2048"
        record("resumed_handshakes" if resumed else "handshakes", "%s TLS %s" % (key, version),
               "handshakes/s", "higher", samples[case], na.get(case), RESUMED_NOTES[version] if resumed else None)


RESUMED_NOTES = {
    "1.2": "each connection offers the session the one before gave; CPython's abbreviated handshake"
           " stalls on Nagle and delayed ACK (its client's Finished and first data leave in two"
           " segments), ours sends them in one",
    "1.3": "each connection offers the ticket the one before gave; resumption (psk_dhe_ke) still runs"
           " an ECDHE key exchange, it saves the certificate, its signature and its verification",
}


def bench_sessions(cfg):
    # Ours only: a session saved as bytes by one client process and resumed from them by a
    # new one (as after a reset), against full handshakes timed the same way in that process.
    print("sessions from bytes (SSLSession.serialize() in one process, SSLSession(data) in the next)")
    na = {impl: "n/a: no way to save a session as bytes" for impl in ("upstream", "upstream+NODELAY", "cpython")}
    interp, extra = IMPLS["ours"]
    path = os.path.join(tempfile.gettempdir(), "mpssl-bench-session-%d.bin" % os.getpid())
    server = Server(interp, "hs-server", dict(extra, cert="server_ec"))
    samples = {}
    try:
        for _ in range(cfg["runs"]):
            for version in ("1.2", "1.3"):
                opts = dict(extra, version=version, ciphers=suite("ours", "AES-128-GCM", version, "server_ec"),
                            session=path)
                saved = run_client(interp, "session-client", server.port, dict(opts, mode="save"))
                r = run_client(interp, "session-client", server.port, dict(opts, mode="load", n=cfg["hs_n"]))
                for kind in ("full", "resumed"):
                    add = samples.setdefault(version, {}).setdefault(kind, {"ms": [], "bytes": []})
                    add["ms"].append(r["seconds"][kind] * 1000)
                    add["bytes"].append(r[kind + "_sent"] + r[kind + "_received"])
                samples[version].setdefault("blob", []).append(saved["blob"])
    finally:
        server.stop()
        if os.path.exists(path):
            os.remove(path)
    for version, s in samples.items():
        for kind in ("full", "resumed"):
            what = "full handshake" if kind == "full" else "resumed from bytes, new process"
            record("session_from_bytes", "TLS %s %s" % (version, what), "ms", "lower",
                   {"ours": s[kind]["ms"]}, na)
            record("session_from_bytes", "TLS %s %s" % (version, what), "bytes on the wire", "lower",
                   {"ours": s[kind]["bytes"]}, na, SESSION_NOTE if kind == "resumed" else None)
        record("session_from_bytes", "TLS %s serialized session" % version, "bytes", "lower",
               {"ours": s["blob"]}, na)


SESSION_NOTE = ("connect, handshake, one byte each way, close_notify: TLS bytes both ways, counted by a"
                " stream around the socket; the time includes SSLSession(data); TLS 1.3 counts the"
                " server's new ticket")


# The bulk rows' implementations: (interpreter, extra worker options). Our
# client asks for no max_fragment_length, as upstream's and CPython's do not,
# and then sends 16 KiB records (its output buffer grows for them); with the
# default request of 4096 the records stay at 4 KiB: a row of its own.
BULK_IMPLS = {
    "ours": (OURS, {"mfl": "none"}),
    "ours, max_fragment_length 4096": IMPLS["ours"],
    "upstream": IMPLS["upstream"],
    "cpython": IMPLS["cpython"],
}
BULK_NOTE = ("our client with max_fragment_length = None, as upstream's and CPython's clients ask for none:"
             " 16 KiB records")
BULK_MFL_NOTE = ("our client as it comes, asking for max_fragment_length 4096 (RAM), so 4 KiB records;"
                 " baselines as in the row above")


def bench_bulk(cfg):
    mib = cfg["bulk_bytes"] // (1 << 20)
    print("bulk (MB/s one way, %d MiB, client to server, P-256 certificate)" % mib)
    cases = [(c, v) for v in ("1.2", "1.3") for c in CIPHERS]
    samples = {case: {impl: [] for impl in BULK_IMPLS} for case in cases}
    na = {case: {} for case in cases}
    supported = {"upstream": reference_ciphers()}
    for _ in range(cfg["runs"]):
        for cipher, version in cases:
            for impl, (interp, extra) in BULK_IMPLS.items():
                name = suite(impl, cipher, version, "server_ec")
                if impl == "upstream" and (name is None or name not in supported["upstream"]):
                    na[cipher, version][impl] = "n/a: not in upstream's config"
                    continue
                opts = dict(extra, bytes=cfg["bulk_bytes"], version=version, ciphers=name)
                env = worker_env(impl, opts)
                server = Server(interp, "bulk-server", dict(extra, bytes=cfg["bulk_bytes"], cert="server_ec",
                                                             version=version, ciphers=name), env=env)
                try:
                    r = run_client(interp, "bulk-client", server.port, opts, env=env)
                finally:
                    server.stop()
                got = (r.get("cipher") or "").replace("-", "").replace("_", "")
                if got and cipher.replace("-", "") not in got:
                    raise RuntimeError("%s negotiated %s, not %s" % (impl, r["cipher"], cipher))
                samples[cipher, version][impl].append(r["bytes"] / r["seconds"] / 1e6)
    for cipher, version in cases:
        case = "%s TLS %s" % (cipher, version)
        values = samples[cipher, version]
        baselines = {impl: v for impl, v in values.items() if not impl.startswith("ours")}
        na_row = dict(na[cipher, version], **{"upstream+NODELAY": "same as upstream for bulk"})
        record("bulk", case, "MB/s", "higher", dict(baselines, ours=values["ours"]), na_row, BULK_NOTE)
        record("bulk", case + ", max_fragment_length 4096", "MB/s", "higher",
               dict(baselines, ours=values["ours, max_fragment_length 4096"]), na_row, BULK_MFL_NOTE)


# asyncio bulk (issue 16): 1 MiB requested over one established connection and read through each
# implementation's asyncio with reader.read(N), from one CPython server (bench/tls_worker.py
# aio-server) for every client; P-256, TLS 1.3, each client's defaults (ours asks for
# max_fragment_length 4096: 4 KiB records).
AIO_READS = (1024, 4096, 16384)
AIO_NOTE = ("time from the request to the last byte, the connection already open; one CPython server"
            " for both; ours with its default max_fragment_length 4096 (4 KiB records)")


def bench_asyncio(cfg):
    print("asyncio bulk (MB/s, 1 MiB requested and read with reader.read(N), CPython server)")
    na = {impl: "n/a: not measured" for impl in ("upstream", "upstream+NODELAY")}
    impls = ("ours", "cpython")
    samples = {size: {impl: [] for impl in impls} for size in AIO_READS}
    server = Server(CPYTHON, "aio-server", {"cert": "server_ec"})
    try:
        for _ in range(cfg["runs"]):
            for size in AIO_READS:
                for impl in impls:
                    interp, extra = IMPLS[impl]
                    r = run_client(interp, "aio-client", server.port, dict(extra, bytes=1 << 20, read=size, reps=5))
                    samples[size][impl] += [r["bytes"] / t / 1e6 for t in r["seconds"]]
    finally:
        server.stop()
    for size in AIO_READS:
        record("asyncio_bulk", "1 MiB, read(%d)" % size, "MB/s", "higher", samples[size], na, AIO_NOTE)


def reference_ciphers():
    p = subprocess.run([REFERENCE, "-c", "import tls; print(','.join(tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).get_ciphers()))"],
                       capture_output=True, text=True, check=True)
    return p.stdout.strip().split(",")


# Memory: a client connection held open. libc's heap by valgrind massif (the
# process is ended with SIGTERM while the connection is open: massif's last
# snapshot is the live heap then), the GC heap by the worker itself. Bytes are
# the difference from the same script without the connection.


def massif_client(interp, port, opts):
    out = tempfile.NamedTemporaryFile(prefix="mpssl-massif-", delete=False).name
    args = ["valgrind", "--tool=massif", "--peak-inaccuracy=0", "--max-snapshots=1000", "--detailed-freq=1000000",
            "--massif-out-file=" + out, interp, WORKER, "mem-client", str(port), "certs=" + CERTS] + opts_args(opts)
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    time.sleep(0.2)
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=60)
    if not line.strip():
        raise RuntimeError("%s produced nothing" % " ".join(args))
    heap = []
    with open(out) as f:
        for l in f:
            if l.startswith("mem_heap_B="):
                heap.append(int(l.split("=")[1]))
    os.unlink(out)
    r = json.loads(line)
    r["libc_last"] = heap[-1]
    r["libc_peak"] = max(heap)
    return r


def gc_only_client(interp, port, opts):
    args = [interp, WORKER, "mem-client", str(port), "certs=" + CERTS] + opts_args(opts)
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    p.kill()
    p.communicate()
    return json.loads(line)


def bench_memory(cfg):
    print("memory (client connection: heap that stays, and peak during the handshake; libc + GC heap)")
    peers = [("ours", "our server"), ("openssl", "openssl s_server")]
    clients = [("ours", OURS_LIBC, {}), ("upstream", REFERENCE, {}),
               ("ours TLS1.2", OURS_LIBC, {"ciphers": suite("ours", "AES-256-GCM", "1.2", "server_ec")})]
    for peer, peer_name in peers:
        server = Server(OURS, "hs-server", {"cert": "server_ec"}) if peer == "ours" else OpenSSLServer("server_ec")
        est = {}
        peak = {}
        exact = []
        exact12 = []
        versions = {}
        try:
            for _ in range(cfg["mem_runs"]):
                for name, interp, opts in clients:
                    base = massif_client(interp, server.port, dict(opts, connect="0"))
                    conn = massif_client(interp, server.port, dict(opts, connect="1"))
                    versions[name] = "%s %s" % (conn.get("version"), conn.get("cipher"))
                    gc_est = conn["gc_established"] - base["gc_established"]
                    est.setdefault(name, []).append(conn["libc_last"] - base["libc_last"] + gc_est)
                    peak.setdefault(name, []).append(conn["libc_peak"] - base["libc_last"] + max(conn["gc_peak"], 0))
                # Ours as built (Mbed TLS on the GC heap): gc.mem_alloc is exact. Under TLS 1.2
                # the buffers shrink to the max_fragment_length both servers grant.
                a = gc_only_client(OURS, server.port, {"connect": "0"})
                for into, opts in ((exact, {}), (exact12, dict(clients[2][2]))):
                    b = gc_only_client(OURS, server.port, dict(opts, connect="1"))
                    into.append(b["gc_established"] - a["gc_established"])
        finally:
            server.stop()
        note = "; ".join("%s: %s" % kv for kv in versions.items())
        record("heap_established", "per connection, peer %s" % peer_name, "bytes", "lower",
               {"ours": est["ours"], "upstream": est["upstream"]},
               {"cpython": "n/a: not measured (interpreter heap)", "upstream+NODELAY": "same as upstream"}, note)
        record("heap_established", "per connection TLS 1.2, peer %s" % peer_name, "bytes", "lower",
               {"ours": est["ours TLS1.2"], "upstream": est["upstream"]}, None, "ours limited to TLS 1.2 AES-256-GCM, as upstream negotiates")
        record("heap_established", "per connection (ours as built, gc.mem_alloc), peer %s" % peer_name, "bytes", "lower",
               {"ours": exact, "upstream": est["upstream"]}, None)
        record("heap_established", "per connection TLS 1.2 (ours as built, gc.mem_alloc), peer %s" % peer_name,
               "bytes", "lower", {"ours": exact12, "upstream": est["upstream"]}, None,
               "max_fragment_length 4096 (our default request) granted: buffers shrink after the handshake")
        record("heap_peak", "handshake peak, peer %s" % peer_name, "bytes", "lower",
               {"ours": peak["ours"], "upstream": peak["upstream"]},
               {"cpython": "n/a: not measured (interpreter heap)"}, note)
    bench_memory_long_record(cfg)


def bench_memory_long_record(cfg):
    # The worst case for our input buffer, which grows with the records it
    # receives: a 15 kB record from a server that agreed to no smaller ones.
    server = OpenSSLServer("server_ec", reverse=True)
    est = {}
    try:
        for _ in range(cfg["mem_runs"]):
            for name, interp in (("ours", OURS_LIBC), ("upstream", REFERENCE)):
                opts = {"mfl": "none"}
                base = massif_client(interp, server.port, dict(opts, connect="0"))
                conn = massif_client(interp, server.port, dict(opts, connect="1", long="1"))
                gc_est = conn["gc_established"] - base["gc_established"]
                est.setdefault(name, []).append(conn["libc_last"] - base["libc_last"] + gc_est)
    finally:
        server.stop()
    record("heap_established", "per connection after a 15 kB record, no max_fragment_length, peer openssl s_server",
           "bytes", "lower", est, {"cpython": "n/a: not measured (interpreter heap)"},
           "the client asks for no max_fragment_length; the server answers a 15 kB line in one record")


def bench_dtls(cfg):
    print("DTLS (handshake time, client and server the same implementation, P-256)")
    samples = {}
    for impl in ("ours", "upstream"):
        interp, _ = IMPLS[impl]
        server = Server(interp, "dtls-server", {"cert": "server_ec"})
        try:
            r = run_client(interp, "dtls-client", server.port, {"n": cfg["dtls_n"]})
        finally:
            server.stop()
        samples[impl] = [t * 1000 for t in r["seconds"]]
    record("dtls_handshake", "DTLS 1.2 handshake + 1 byte echo", "ms", "lower", samples,
           {"cpython": "n/a: CPython's ssl has no DTLS"},
           "ours with HelloVerify cookies (one more round trip), upstream without")


def bench_truststore(cfg):
    # The whole system CA bundle with the test CA appended last (docs/trust-store.md): how long
    # a load takes and what heap the context keeps, as the PEM file a CPython user passes and as
    # an mpssl trust store file; and what verifying against its last root costs a handshake,
    # next to a context that trusts that root alone.
    print("trust store (system bundle + test CA last; P-256 server, TLS 1.3, client verifying)")
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import mpssl_truststore

    out = os.path.join(BUILD, "bench-trust")
    os.makedirs(out, exist_ok=True)
    with open("/etc/ssl/certs/ca-certificates.crt", "rb") as f:
        bundle = f.read()
    with open(os.path.join(CERTS, "ca.crt.pem"), "rb") as f:
        bundle += f.read()
    files = {"PEM file": os.path.join(out, "bundle.pem"), "trust store file": os.path.join(out, "bundle.mpts"),
             "single root": os.path.join(CERTS, "ca.crt.pem")}
    with open(files["PEM file"], "wb") as f:
        f.write(bundle)
    with open(files["trust store file"], "wb") as f:
        f.write(mpssl_truststore.convert(bundle))
    count = bundle.count(b"-----BEGIN CERTIFICATE-----")
    na_upstream = {"upstream": "n/a: upstream's tls parses every CA into the heap", "upstream+NODELAY": "n/a"}
    for form in ("PEM file", "trust store file"):
        samples = {"ours": [], "cpython": []}
        heap = {"ours": []}
        for _ in range(cfg["runs"]):
            for impl in ("ours", "cpython"):
                if impl == "cpython" and form != "PEM file":
                    continue
                r = run_client(IMPLS[impl][0], "trust-load", 0, {"cafile": files[form], "n": 10})
                samples[impl].append(r["ms"])
                if r["heap"] is not None:
                    heap[impl].append(r["heap"])
        na = dict(na_upstream)
        if form != "PEM file":
            na["cpython"] = "n/a: CPython reads no mpssl trust store"
        record("truststore_load", "load %d CAs, %s (fastest of 10)" % (count, form), "ms", "lower", samples, na)
        record("truststore_heap", "heap kept, %d CAs, %s" % (count, form), "bytes", "lower", heap,
               dict(na_upstream, cpython="n/a: not measured (OpenSSL heap)"))
    server = Server(OURS, "hs-server", {"cert": "server_ec"})
    try:
        rates = {form: [] for form in files}
        for _ in range(cfg["runs"]):
            for form in ("single root", "PEM file", "trust store file"):
                opts = {"n": cfg["hs_n"], "version": "1.3", "cafile": files[form]}
                r = run_client(OURS, "hs-client", server.port, opts)
                rates[form].append(r["n"] / r["cpu"])
    finally:
        server.stop()
    single = statistics.median(rates["single root"])
    for form in ("single root", "PEM file", "trust store file"):
        cost = single / statistics.median(rates[form])
        record("truststore_handshakes", "client CPU per verified handshake, %s" % form, "handshakes/CPU s", "higher",
               {"ours": rates[form]}, dict(na_upstream, cpython="n/a: ours only (the cost is our lookup)"),
               "the client's CPU time (/proc/self/stat), %.2fx the single-root context's" % cost)


# Code size: the linker map says which object each linked section came from.

SECTION_KIND = {".text": "text", ".rodata": "text", ".data": "data", ".data.rel.ro": "data", ".bss": "bss"}


def map_sizes(map_path, is_tls):
    sizes = {"text": 0, "data": 0, "bss": 0}
    out_section = None
    pending = None
    started = False
    entry = re.compile(r"^\s+(\S+)?\s*0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+\.o)\)?$")
    with open(map_path) as f:
        for line in f:
            if line.startswith("Linker script and memory map"):
                started = True
                continue
            if not started:
                continue
            m = re.match(r"^(\.[\w.]+)", line)
            if m:
                out_section = m.group(1)
                continue
            kind = SECTION_KIND.get(out_section)
            if kind is None:
                continue
            s = line.rstrip("\n")
            if pending is not None and re.match(r"^\s+0x", s):
                s = pending + s
            pending = None
            m = entry.match(s)
            if m is None:
                if re.match(r"^ \.\S+$", s):
                    pending = s  # section name alone; address, size and object follow
                continue
            if is_tls(m.group(4)):
                sizes[kind] += int(m.group(3), 16)
    return sizes


def binary_size(path):
    p = subprocess.run(["size", path], capture_output=True, text=True, check=True)
    text, data, bss = (int(x) for x in p.stdout.splitlines()[1].split()[:3])
    return {"text": text, "data": data, "bss": bss}


def bench_size(cfg):
    print("code size (bytes linked into the unix binary: text+rodata and data)")
    ours_map = os.path.join(BUILD, "unix", "micropython.map")
    ref_map = os.path.join(BUILD, "reference", "unix", "micropython.map")
    ours_tls = map_sizes(ours_map, lambda o: "/mpssl/" in o or "/mbedtls/library/" in o)
    ref_tls = map_sizes(ref_map, lambda o: "mbedtls" in o or "modtls_" in o)
    ours_mod = map_sizes(ours_map, lambda o: "/mpssl/" in o)
    ref_mod = map_sizes(ref_map, lambda o: "modtls_" in o or "mbedtls_alt" in o or "mbedtls_errors" in o)
    na = {"cpython": "n/a", "upstream+NODELAY": "same binary as upstream"}
    record("code_size", "TLS module + Mbed TLS (text+data)", "bytes", "lower",
           {"ours": [ours_tls["text"] + ours_tls["data"]], "upstream": [ref_tls["text"] + ref_tls["data"]]}, na)
    record("code_size", "TLS module alone (text+data)", "bytes", "lower",
           {"ours": [ours_mod["text"] + ours_mod["data"]], "upstream": [ref_mod["text"] + ref_mod["data"]]}, na)
    ours_bin = binary_size(OURS)
    ref_bin = binary_size(REFERENCE)
    record("code_size", "whole binary (text+data)", "bytes", "lower",
           {"ours": [ours_bin["text"] + ours_bin["data"]], "upstream": [ref_bin["text"] + ref_bin["data"]]}, na)
    bench_size_cortex_m(na)


def bench_size_cortex_m(na):
    # The board firmwares (ports/qemu, `make qemu`): flash that the TLS module and Mbed TLS take,
    # by the linker map, as `make footprint` counts it. Upstream's firmware is its tls module with
    # its bare-metal Mbed TLS configuration.
    print("code size, Cortex-M3 (flash of the TLS module + Mbed TLS in the qemu board firmware)")
    sys.path.insert(0, os.path.join(ROOT, "ports", "qemu"))
    from footprint import map_breakdown

    flash = {}
    for variant in ("upstream", "small", "full"):
        build = os.path.join(BUILD, "qemu", variant)
        sums, _ = map_breakdown(os.path.join(build, "firmware.map"), build)
        flash[variant] = sums["module"] + sums["mbedtls"]
    for profile in ("small", "full"):
        record("code_size", "Cortex-M3 flash: TLS module + Mbed TLS, %s profile" % profile, "bytes", "lower",
               {"ours": [flash[profile]], "upstream": [flash["upstream"]]}, na,
               "arm-none-eabi-gcc -Os; upstream's tls and bare-metal Mbed TLS configuration on the same Mbed TLS tree")


# ---- Report ---------------------------------------------------------------


def cell(r):
    if "na" in r:
        return r["na"]
    if r["min"] == r["max"]:
        return fmt_num(r["median"])
    return "%s (%s–%s)" % (fmt_num(r["median"]), fmt_num(r["min"]), fmt_num(r["max"]))


def markdown(meta):
    cols = ["ours", "upstream", "upstream+NODELAY", "cpython"]
    lines = [
        "# mpssl benchmarks (%s mode)" % meta["mode"],
        "",
        "Command: `%s`  " % meta["command"],
        "Date: %s; %s; CPython %s with %s; %d CPUs; load average at start %s." % (
            meta["date"], meta["machine"], meta["python"], meta["openssl"], meta["cpus"], meta["loadavg"]),
        "",
        "Medians of %d runs, (min–max). Ratio = ours ÷ baseline, all measured in this invocation "
        "(higher is better for rates, lower for bytes and times)." % meta["runs"],
        "",
        "| metric | case | unit | " + " | ".join(cols) + " | ours÷upstream | ours÷upstream+NODELAY | ours÷CPython |",
        "|---|---|---|" + "---|" * len(cols) + "---|---|---|",
    ]
    for row in RESULTS:
        cells = [cell(row["impls"][c]) if c in row["impls"] else "" for c in cols]
        ratios = []
        for b in BASELINES:
            ratios.append("%.2fx" % row["ratios"][b] if b in row["ratios"] else "")
        lines.append("| %s | %s | %s | %s | %s |" % (row["metric"], row["case"], row["unit"], " | ".join(cells),
                                                   " | ".join(ratios)))
    notes = [r for r in RESULTS if r.get("note")]
    if notes:
        lines += ["", "Notes:"]
        for r in notes:
            lines.append("- %s, %s: %s" % (r["metric"], r["case"], r["note"]))
    return "\n".join(lines) + "\n"


def chart(png_path):
    # Ratios to each baseline, one bar per row and baseline (log scale).
    if shutil.which("gnuplot") is None:
        print("bench: gnuplot missing, no chart (make bench installs gnuplot-nox)")
        return False
    rows = [r for r in RESULTS if r["ratios"]]
    present = [b for b in BASELINES if any(b in r["ratios"] for r in rows)]
    if not rows:
        return False
    data = tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False)
    for row in rows:
        label = ("%s: %s" % (row["metric"], row["case"])).replace('"', "'")
        vals = [row["ratios"].get(b) for b in present]
        data.write('"%s" %s\n' % (label, " ".join("%.4f" % v if v else "?" for v in vals)))
    data.close()
    height = max(500, 30 * len(rows) + 200)
    plots = ["'%s' using %d%s title 'vs %s'" % (data.name if i == 0 else "", i + 2, ":xtic(1)" if i == 0 else "", b)
             for i, b in enumerate(present)]
    script = """
set terminal png size 1400,%d
set output '%s'
set title 'mpssl / baseline, same invocation (rates: higher is better; bytes and ms: lower is better)'
set datafile missing '?'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y 10
set yrange [0.01:1000]
set ytics ("0.01" 0.01, "0.1" 0.1, "0.25" 0.25, "0.5" 0.5, "1" 1, "2.5" 2.5, "5" 5, "20" 20, "100" 100, "1000" 1000)
set grid ytics
set xtics rotate by -50 font ",8"
set key top left
set bmargin 20
plot %s, 1 notitle lt -1
""" % (height, png_path, ", ".join(plots))
    p = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True)
    os.unlink(data.name)
    if p.returncode != 0:
        print("bench: gnuplot failed: " + p.stderr[-500:])
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="CI mode: small counts, under two minutes, no assertions")
    ap.add_argument("--only", default="", help="comma-separated: handshakes,bulk,memory,dtls,size,sessions,truststore,asyncio")
    ap.add_argument("--json", default=os.path.join(BUILD, "bench.json"))
    args = ap.parse_args()
    # The sessions rows run ours alone, the asyncio rows ours and CPython.
    for path in (OURS,) if args.only in ("sessions", "asyncio") else (OURS, REFERENCE, OURS_LIBC):
        if not os.path.exists(path):
            sys.exit("bench: %s missing: run make bench (it builds every binary)" % path)
    if args.quick:
        cfg = dict(runs=2, hs_n=15, hs_slow=4, bulk_bytes=8 << 20, mem_runs=1, dtls_n=5)
    else:
        cfg = dict(runs=5, hs_n=100, hs_slow=20, bulk_bytes=64 << 20, mem_runs=3, dtls_n=30)
    metrics = {"handshakes": bench_handshakes, "bulk": bench_bulk, "memory": bench_memory,
               "dtls": bench_dtls, "size": bench_size, "sessions": bench_sessions,
               "truststore": bench_truststore, "asyncio": bench_asyncio}
    metrics.update(latency_rows.metrics(sys.modules[__name__]))  # write_sweep,first_reply,small_writes
    only = [m for m in args.only.split(",") if m] or list(metrics)
    t0 = time.time()
    import ssl
    meta = {
        "mode": "quick" if args.quick else "full",
        "command": " ".join(["python3", "bench/run.py"] + sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": "%s %s" % (platform.machine(), platform.processor() or cpu_model()),
        "python": platform.python_version(),
        "openssl": ssl.OPENSSL_VERSION,
        "cpus": os.cpu_count(),
        "loadavg": "%.2f" % os.getloadavg()[0],
        "runs": cfg["runs"],
        "config": cfg,
    }
    failed = []
    for m in only:
        try:
            metrics[m](cfg)
        except Exception as e:  # one broken metric must not lose the others
            print("bench: %s failed: %s" % (m, e))
            failed.append(m)
            RESULTS.append({"metric": m, "case": "failed", "unit": "", "better": "", "impls": {}, "ratios": {},
                            "note": str(e)[-300:]})
    meta["failed"] = failed
    meta["seconds"] = round(time.time() - t0, 1)
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "results": RESULTS}, f, indent=1)
    md = markdown(meta)
    md_path = os.path.join(BUILD, "bench.md")
    png_path = os.path.join(BUILD, "bench.png")
    with open(md_path, "w") as f:
        f.write(md)
    have_png = chart(png_path)
    if not args.quick and not args.only:
        shutil.copy(md_path, os.path.join(ROOT, "bench", "results.md"))
        if have_png:
            shutil.copy(png_path, os.path.join(ROOT, "bench", "results.png"))
    print()
    print(md)
    print("bench: %s, %s%s in %.0f s" % (args.json, md_path, ", " + png_path if have_png else "", meta["seconds"]))
    if failed:
        sys.exit("bench: failed: " + ", ".join(failed))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


if __name__ == "__main__":
    main()
