# The latency rows of `make bench` (issue 16, docs/latency.md): where a TLS connection can
# wait on Nagle and delayed ACKs. Ours and CPython's client do the same work against the same
# peers in the same invocation; bench/latency_worker.py is each side.
#
#   write_sweep    writes of 1 B to 64 KiB, each echoed back before the next, TLS 1.2 and 1.3
#   first_reply    time from a finished handshake to the first byte of the server's answer,
#                  TLS 1.3 with and without session tickets, openssl s_server, gnutls-serv and
#                  our server
#   small_writes   a GET in eleven write()s as micropython-lib's requests sends it, then the reply
#
# run.py calls metrics(run) with itself, for record(), Server, run_client and the rest.
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "latency_worker.py")
IMPLS = ("ours", "cpython")
NA = {"upstream": "n/a: not measured (ours against CPython)", "upstream+NODELAY": "n/a"}

SWEEP_SIZES = (1, 100, 1000, 4096, 8192, 16384, 65536)
SWEEP_NOTE = ("each write echoed back whole by a CPython server before the next; 1 MiB each way, or"
              " as many writes as fit the run's cap and time budget (then scaled to a MiB: a 1-byte"
              " write's row is round trips); our client as it comes (max_fragment_length 4096)")
MFL_NONE = "max_fragment_length None"
SWEEP_MFL_NOTE = ("our client asking for no max_fragment_length, as CPython's asks for none: 16 KiB records;"
                  " CPython's column the same runs as the row above")
FIRST_NOTE = ("connect and handshake, then a line written and the first byte of the answer awaited;"
              " medians over every connection of every run")
SMALL_NOTE = ("connect and handshake, then a GET in eleven write()s (method, path, version line, each"
              " header in pieces, as micropython-lib's requests) and the reply read to its end;"
              " TLS 1.3")


def client_opts(run, impl, version):
    opts = {"version": version, "ciphers": run.suite(impl, "AES-128-GCM", version, "server_ec")}
    return opts, run.worker_env(impl, opts)


def measure(run, impl, role, port, opts, version):
    # One client process of ours or CPython's against port; checks the version it got.
    extra, env = client_opts(run, impl, version)
    r = run.run_client(run.IMPLS[impl][0], role, port, dict(opts, **extra), env=env, timeout=180, worker=WORKER)
    if r.get("version") and version not in r["version"]:
        raise RuntimeError("%s negotiated %s, not TLS %s" % (impl, r["version"], version))
    return r


def bench_write_sweep(run, cfg):
    print("write-size sweep (each write echoed back before the next: ms per MiB each way)")
    quick = cfg["runs"] < 5
    limits = {"cap": 100 if quick else 1000, "budget": 1 if quick else 3}
    # (column, implementation, worker options, write sizes): our client as it comes, and for
    # writes larger than its 4 KiB records asking for no max_fragment_length (16 KiB records).
    clients = [("ours", "ours", {}, SWEEP_SIZES), ("cpython", "cpython", {}, SWEEP_SIZES),
               (MFL_NONE, "ours", {"mfl": "none"}, [s for s in SWEEP_SIZES if s > 4096])]
    server = run.Server(run.CPYTHON, "echo-server", {"cert": "server_ec"}, worker=WORKER)
    samples = {}
    try:
        for _ in range(cfg["runs"]):
            for version in ("1.2", "1.3"):
                for column, impl, extra, sizes in clients:
                    opts = dict(limits, sizes=",".join(str(s) for s in sizes), **extra)
                    r = measure(run, impl, "sweep-client", server.port, opts, version)
                    for size, m in r["sizes"].items():
                        ms = m["seconds"] * 1000 * (1 << 20) / m["bytes"]
                        samples.setdefault((version, int(size)), {}).setdefault(column, []).append(ms)
    finally:
        server.stop()
    for (version, size), values in sorted(samples.items()):
        case = "TLS %s, %d-byte writes echoed" % (version, size)
        run.record("write_sweep", case, "ms per MiB", "lower", {"ours": values["ours"], "cpython": values["cpython"]},
                   NA, SWEEP_NOTE if size == SWEEP_SIZES[0] else None)
        if MFL_NONE in values:
            run.record("write_sweep", case + ", ours with " + MFL_NONE, "ms per MiB", "lower",
                       {"ours": values[MFL_NONE], "cpython": values["cpython"]}, NA,
                       SWEEP_MFL_NOTE if size == SWEEP_SIZES[-1] else None)


def gnutls_server(run, tickets):
    # gnutls-serv --echo, TLS 1.3: the server of issue 16's 45 ms first reply (it sends its
    # tickets and then the answer). A Debian package, installed when missing.
    subprocess.run([os.path.join(os.path.dirname(HERE), "tools", "ensure-packages.sh"), "gnutls-bin"], check=True)

    class GnutlsServer(run.OpenSSLServer):
        def __init__(self):
            self.port = run.free_port()
            self.start(["gnutls-serv", "--echo", "-q", "-a", "--port", str(self.port),
                        "--x509certfile", os.path.join(run.CERTS, "server_ec.crt.pem"),
                        "--x509keyfile", os.path.join(run.CERTS, "server_ec.key.pem"),
                        "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3"] + ([] if tickets else ["--noticket"]))

    return GnutlsServer()


def bench_first_reply(run, cfg):
    print("first reply after the handshake (TLS 1.3: ms from the first write to the answer's first byte)")
    n = 10 if cfg["runs"] < 5 else 30
    peers = [
        ("openssl s_server, 2 tickets", lambda: run.OpenSSLServer("server_ec", True, ["-tls1_3"])),
        ("openssl s_server, no tickets", lambda: run.OpenSSLServer("server_ec", True, ["-tls1_3", "-num_tickets", "0"])),
        ("gnutls-serv --echo, tickets", lambda: gnutls_server(run, True)),
        ("gnutls-serv --echo --noticket", lambda: gnutls_server(run, False)),
        ("our server (tickets)", lambda: run.Server(run.OURS, "reply-server", {"cert": "server_ec"}, worker=WORKER)),
    ]
    latency_rows(run, cfg, "first_reply", peers, "first-reply-client", n, FIRST_NOTE)


def bench_small_writes(run, cfg):
    print("requests-style small writes (ms from the first of eleven writes to the end of the reply)")
    n = 10 if cfg["runs"] < 5 else 30
    peers = [
        ("CPython HTTP-like server", lambda: run.Server(run.CPYTHON, "reply-server", {"mode": "http"}, worker=WORKER)),
        ("our HTTP-like server", lambda: run.Server(run.OURS, "reply-server", {"mode": "http"}, worker=WORKER)),
    ]
    latency_rows(run, cfg, "small_writes", peers, "requests-client", n, SMALL_NOTE)


def latency_rows(run, cfg, metric, peers, role, n, note):
    # One row per peer: every connection's time (ms) of ours and CPython's, rounds alternating.
    for name, start in peers:
        server = start()
        values = {impl: [] for impl in IMPLS}
        try:
            for _ in range(cfg["runs"]):
                for impl in IMPLS:
                    r = measure(run, impl, role, server.port, {"n": n}, "1.3")
                    values[impl] += [t * 1000 for t in r["seconds"]]
        finally:
            server.stop()
        share = {impl: 100.0 * sum(1 for t in v if t >= 30) / len(v) for impl, v in values.items()}
        detail = "; %s" % ", ".join("%s %.0f%% over 30 ms" % kv for kv in share.items())
        run.record(metric, "%s, peer %s" % (metric.replace("_", " "), name), "ms", "lower", values, NA,
                   note + detail)


def metrics(run):
    return {
        "write_sweep": lambda cfg: bench_write_sweep(run, cfg),
        "first_reply": lambda cfg: bench_first_reply(run, cfg),
        "small_writes": lambda cfg: bench_small_writes(run, cfg),
    }
