#!/usr/bin/env python3
"""Footprint of TLS on the emulated boards of the qemu port: MPS2_AN385
(Cortex-M3, build/qemu) and VIRT_RV32 (rv32imac, build/qemu-rv32).

Run by `make footprint` once the four firmwares of each board are built:
  base      MicroPython without TLS, the reference
  upstream  upstream's extmod/modtls_mbedtls.c with upstream's bare-metal
            Mbed TLS configuration, compiled from our Mbed TLS tree
  small     mpssl, small profile
  full      mpssl, full profile

Flash: what a firmware's text (code and read-only data; `size` reports both
as text on these boards) and initialised data add over base, split by the
linker map into the TLS module, Mbed TLS and the rest (qstrs, module tables,
port glue).

Heap: the least free GC heap at which a client and a server in one process
still complete an in-memory TLS 1.2 handshake (ECDHE-ECDSA P-256,
AES-128-GCM, the client verifying the server's certificate) and exchange a
message. Each trial boots the emulator afresh, fills the heap with ballast
down to a target, then connects; a binary search finds the threshold.
The full profile is also measured for TLS 1.3 (its default).

Instructions: the same handshake with a full heap, under `qemu -icount
shift=0`, where the board's virtual clock advances one nanosecond per guest
instruction; the firmware's icount module (ports/qemu/board/icount.c) reads
it before the sockets are wrapped and after the first message has arrived.
Contexts, certificates and keys are loaded before the first reading. Each
count is the median of RUNS freshly booted boards (ECDSA's random nonces make
runs differ slightly).
"""
import argparse
import json
import os
import re
import subprocess
import sys

VARIANTS = ("base", "upstream", "small", "full")
STEP = 128  # resolution of the heap search, bytes
RUNS = 3  # boards booted per instruction count

# The boards: where their firmwares are built, the binutils that size them.
BOARDS = {
    "arm": {
        "dir": "qemu",
        "size": "arm-none-eabi-size",
        "name": "qemu-system-arm -machine mps2-an385 (Cortex-M3), MicroPython qemu port, GC heap 143360 bytes",
    },
    "rv32": {
        "dir": "qemu-rv32",
        "size": "riscv64-unknown-elf-size",
        "name": "qemu-system-riscv32 -machine virt (rv32imac), MicroPython qemu port, GC heap 143360 bytes",
    },
}

TRIAL = """
import gc
import tls
import icount
counts = []
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer
gc.collect()
ballast = bytearray(max(16, gc.mem_free() - {target}))
gc.collect()
free = gc.mem_free()
try:
    server_ctx = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
    client_ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    client_ctx.verify_mode = tls.CERT_REQUIRED
    {cas}
    if {suite!r}:
        client_ctx.set_ciphers([{suite!r}])
    {before}
    client, server = tls_pair(client_ctx, server_ctx, "localhost")
    transfer(client, server, b"ping")
    {after}
    transfer(server, client, b"pong")
    print("RESULT OK", {result}, client.cipher()[1])
except Exception as e:
    print("RESULT FAIL", {result}, repr(e))
"""
# The client's CAs: the test CA alone, or the default CAs (the CA bundle
# frozen into the full profile; its test firmware's has the test CA too).
SINGLE_CA = """try:
        client_ctx.load_verify_locations(cadata=C.CA)
    except TypeError:  # upstream's takes cadata as its one positional argument
        client_ctx.load_verify_locations(C.CA)"""
DEFAULT_CAS = "client_ctx.load_default_certs()"
# TRIAL's ways: the free heap at the start, or the instructions the
# handshake and its first message took (icount.c; None without it).
HEAP_TRIAL = {"before": "pass", "after": "pass", "result": "free", "cas": SINGLE_CA}
BUNDLE_HEAP_TRIAL = dict(HEAP_TRIAL, cas=DEFAULT_CAS)
INSTRUCTIONS_TRIAL = {
    "before": "gc.collect(); counts.append(icount.instructions())",
    "after": "counts.append(icount.instructions())",
    "result": "counts[-1] - counts[0] if len(counts) == 2 else None",
    "cas": SINGLE_CA,
}

# The heap load_default_certs() keeps with the frozen bundle (the module's
# import included, the context apart), and how many CAs and store bytes it holds.
BUNDLE_LOAD = """
import gc
import tls
ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
gc.collect()
before = gc.mem_alloc()
ctx.load_default_certs()
gc.collect()
kept = gc.mem_alloc() - before
import _mpssl_ca_bundle
print("RESULT OK", kept, ctx.cert_store_stats()["x509_ca"], len(_mpssl_ca_bundle.STORE))
"""

TLS12_SUITE = "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256"


def firmware(build, variant):
    return os.path.join(build, variant, "firmware.elf")


def size(tool, path):
    out = subprocess.check_output([tool, path], text=True).splitlines()[1].split()
    return {"text": int(out[0]), "data": int(out[1]), "bss": int(out[2])}


def classify(path):
    # path is relative to the variant's build directory.
    if "mbedtls/library/" in path:
        return "mbedtls"
    if path.startswith("mpssl/") or path in ("extmod/modtls_mbedtls.o", "extmod/mbedtls/mbedtls_alt.o"):
        return "module"
    if path.startswith(("board/", "upstream/")) or "shared/timeutils/" in path:
        return "port_glue"
    if path == "frozen_content.o":
        return "frozen"
    return None


def map_breakdown(map_path, build_dir):
    # Sums the input sections the linker kept in flash (.text*, .rodata*,
    # .data*: initialised data is stored in flash too; RISC-V's small-data
    # .srodata* and .sdata* likewise), by owner.
    sums = {"module": 0, "mbedtls": 0, "port_glue": 0, "frozen": 0}
    per_file = {}
    with open(map_path) as f:
        lines = f.read().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Linker script and memory map"))
    pending = None
    section = r"\.s?(?:text|rodata|data)\S*"
    pat = re.compile(r"^ (" + section + r")?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+\.o)\S*$")
    for line in lines[start:]:
        m = re.match(r"^ (" + section + r")$", line)
        if m:
            pending = m.group(1)
            continue
        m = pat.match(line)
        if m and (m.group(1) or pending):
            obj = m.group(3)
            if obj.startswith(build_dir + "/"):
                obj = obj[len(build_dir) + 1:].lstrip("/")
            owner = classify(obj)
            if owner:
                n = int(m.group(2), 16)
                sums[owner] += n
                name = os.path.basename(m.group(3))
                per_file[name] = per_file.get(name, 0) + n
        pending = None
    return sums, per_file


def trial(board, variant, target, suite, kind=HEAP_TRIAL, qemu_extra=""):
    # One freshly booted board runs TRIAL: (connected, number, detail). A
    # board that printed no result boots once more: pyboard.py can lose the
    # race for the emulator's serial pty when several emulators start at once.
    result = boot(board, variant, target, suite, kind, qemu_extra)
    if result[2].startswith("crashed"):
        result = boot(board, variant, target, suite, kind, qemu_extra)
    return result


def boot(board, variant, target, suite, kind, qemu_extra):
    return run_script(board, variant, TRIAL.format(target=target, suite=suite, **kind), qemu_extra)


def run_script(board, variant, script, qemu_extra=""):
    # Named by process: make footprint and make qemu-options may run at once.
    path = os.path.join(board["build"], "footprint-trial-{}.py".format(os.getpid()))
    with open(path, "w") as f:
        f.write(script)
    device = "execpty:{} {} -serial pty -kernel {}".format(board["qemu"], qemu_extra,
                                                           firmware(board["build"], variant))
    pyboard = os.path.join(ARGS.micropython, "tools", "pyboard.py")
    try:
        out = subprocess.run([sys.executable, pyboard, "-d", device, path],
                             capture_output=True, text=True, timeout=300).stdout
    except subprocess.TimeoutExpired:
        return False, None, "timeout"
    finally:
        os.remove(path)
    m = re.search(r"RESULT (OK|FAIL) (\d+|None) ?(.*)", out)
    if not m:
        return False, None, "crashed: " + out[-200:]
    number = None if m.group(2) == "None" else int(m.group(2))
    return m.group(1) == "OK", number, m.group(3)


def min_heap(board, variant, suite, kind=HEAP_TRIAL):
    # Binary search on the free heap left before the connection starts.
    lo, hi = 4096, 135000
    ok, free, info = trial(board, variant, hi, suite, kind)
    if not ok:
        raise SystemExit("footprint: {} does not connect even with a full heap: {}".format(variant, info))
    best = (free, info)
    while hi - lo > STEP:
        mid = (lo + hi) // 2
        ok, free, info = trial(board, variant, mid, suite, kind)
        print("  {:9} {:>6} free -> {}".format(variant, free or mid, "ok" if ok else "fails: " + info), flush=True)
        if ok:
            hi = mid
            best = (free, info)
        else:
            lo = mid
    return best


def instructions(board, variant, suite, protocol):
    # The median of RUNS counts, each on a freshly booted board under
    # -icount shift=0; None where the build does not negotiate protocol.
    counts = []
    for _ in range(RUNS):
        ok, count, info = trial(board, variant, 135000, suite, INSTRUCTIONS_TRIAL, "-icount shift=0")
        if not ok:
            raise SystemExit("footprint: {} fails the counted handshake: {}".format(variant, info))
        if info != protocol:
            return None
        counts.append(count)
    counts.sort()
    print("  {:9} {} instructions: {}".format(variant, protocol, counts), flush=True)
    return counts[len(counts) // 2]


def flash_report(board):
    build = board["build"]
    sizes = {v: size(board["size"], firmware(build, v)) for v in VARIANTS}
    flash = {}
    files = {}
    breakdowns = {}
    for v in VARIANTS:
        build_dir = os.path.join(build, v)
        breakdowns[v], files[v] = map_breakdown(os.path.join(build_dir, "firmware.map"), build_dir)
    for v in ("upstream", "small", "full"):
        breakdown = breakdowns[v]
        added = sizes[v]["text"] + sizes[v]["data"] - sizes["base"]["text"] - sizes["base"]["data"]
        # Every firmware freezes the same modules but the CA bundle: what
        # the full profile's frozen modules add over the small's (which has no
        # bundle by default, and the same qstrs: base's frozen modules also
        # carry the qstrs mpssl would define) is the bundle.
        bundle = breakdown["frozen"] - breakdowns["small"]["frozen"] if v == "full" else 0
        flash[v] = {
            "total": added,
            "module": breakdown["module"],
            "mbedtls": breakdown["mbedtls"],
            "ca_bundle": bundle,
            "other": added - breakdown["module"] - breakdown["mbedtls"] - bundle,
        }
    files = {v: dict(sorted(files[v].items(), key=lambda kv: -kv[1])) for v in ("upstream", "small", "full")}
    return sizes, flash, files


def board_report(arch):
    board = BOARDS[arch]
    if os.path.exists(os.path.join(board["build"], "small", "ca-bundle", "_mpssl_ca_bundle.py")):
        raise SystemExit("footprint: the small profile has a CA bundle: measure with MPSSL_CA_BUNDLE unset")
    sizes, flash, files = flash_report(board)
    heap = {}
    heap_notes = {}
    for v, key, suite in (
        ("upstream", "upstream", TLS12_SUITE),
        ("small", "small", TLS12_SUITE),
        ("full", "full", TLS12_SUITE),
        ("full", "full_tls13", None),
    ):
        print("footprint ({}): searching the least heap for a handshake, {}".format(arch, key), flush=True)
        heap[key], heap_notes[key] = min_heap(board, v, suite)
    ca_bundle = bundle_report(board, arch, flash["full"]["ca_bundle"], heap["full"])

    counts = {}
    for v in ("upstream", "small", "full"):
        print("footprint ({}): counting a handshake's instructions, {}".format(arch, v), flush=True)
        counts[v] = {"tls12": instructions(board, v, TLS12_SUITE, "TLSv1.2"),
                     "tls13": instructions(board, v, None, "TLSv1.3")}

    up_flash = flash["upstream"]["total"]
    up_heap = heap["upstream"]
    up_insns = counts["upstream"]["tls12"]
    return {
        "board": board["name"],
        "firmware": {v: dict(path=os.path.relpath(firmware(board["build"], v)), **sizes[v]) for v in VARIANTS},
        "flash_bytes": flash,
        "min_handshake_heap_bytes": heap,
        "handshake_protocol": heap_notes,
        "ca_bundle": ca_bundle,
        "ratio_to_upstream": {
            v: {"flash": round(flash[v]["total"] / up_flash, 3),
                "flash_without_ca_bundle": round((flash[v]["total"] - flash[v]["ca_bundle"]) / up_flash, 3),
                "heap": round(heap[v] / up_heap, 3),
                "instructions_tls12": round(counts[v]["tls12"] / up_insns, 3)} for v in ("small", "full")
        },
        "flash_by_object": files,
    }, counts


def bundle_report(board, arch, flash_bytes, single_ca_heap):
    # The full profile's frozen CA bundle: its flash, the heap
    # load_default_certs() keeps (product firmware), and the least heap of a
    # TLS 1.2 handshake verified with the default CAs (test firmware: the
    # same bundle with the test CA appended) beside that with the test CA alone.
    print("footprint ({}): the frozen CA bundle".format(arch), flush=True)
    ok, kept, info = run_script(board, "full", BUNDLE_LOAD)
    if not ok:
        raise SystemExit("footprint: load_default_certs() fails in the full firmware: " + info)
    cas, store_bytes = (int(n) for n in info.split())
    heap, _ = min_heap(board, "full-testca", TLS12_SUITE, BUNDLE_HEAP_TRIAL)
    return {
        "cas": cas,
        "store_bytes": store_bytes,
        "flash_bytes": flash_bytes,
        "load_default_certs_heap_bytes": kept,
        "min_handshake_heap_bytes": {"default_cas": heap, "single_ca": single_ca_heap},
    }


def print_board(arch, report, counts):
    flash = report["flash_bytes"]
    heap = report["min_handshake_heap_bytes"]
    print()
    print(arch + ":")
    print("{:10} {:>12} {:>10} {:>10} {:>8} {:>16} {:>14} {:>14}".format(
        "", "flash added", "module", "Mbed TLS", "other", "handshake heap", "insns TLS1.2", "insns TLS1.3"))
    for v in ("upstream", "small", "full"):
        fl = flash[v]
        print("{:10} {:>12} {:>10} {:>10} {:>8} {:>16} {:>14} {:>14}".format(
            v, fl["total"], fl["module"], fl["mbedtls"], fl["other"], heap[v],
            counts[v]["tls12"], str(counts[v]["tls13"] or "-")))
    print("{:10} {:>12} {:>10} {:>10} {:>8} {:>16}".format("full 1.3", "", "", "", "", heap["full_tls13"]))
    b = report["ca_bundle"]
    print("full's CA bundle: {} CAs, {} bytes of flash (store {}), load_default_certs() keeps {} bytes of heap; "
          "TLS 1.2 handshake heap with it {} (test CA alone {})".format(
              b["cas"], b["flash_bytes"], b["store_bytes"], b["load_default_certs_heap_bytes"],
              b["min_handshake_heap_bytes"]["default_cas"], b["min_handshake_heap_bytes"]["single_ca"]))
    for v in ("small", "full"):
        r = report["ratio_to_upstream"][v]
        print("{} / upstream: flash {:.2f}x, heap {:.2f}x, TLS 1.2 instructions {:.2f}x".format(
            v, r["flash"], r["heap"], r["instructions_tls12"]))


def print_option(arch, variant):
    # One line of the README's table of Mbed TLS options: what the variant's
    # firmware adds over base, its least handshake heap and its TLS 1.2
    # handshake's instructions.
    board = BOARDS[arch]
    base = size(board["size"], firmware(board["build"], "base"))
    fw = size(board["size"], firmware(board["build"], variant))
    flash = fw["text"] + fw["data"] - base["text"] - base["data"]
    heap, _ = min_heap(board, variant, TLS12_SUITE)
    insns = instructions(board, variant, TLS12_SUITE, "TLSv1.2")
    print("OPTION {} {}: flash {} heap {} instructions {}".format(arch, variant, flash, heap, insns), flush=True)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="the build directory (build/qemu, build/qemu-rv32 in it)")
    ap.add_argument("--micropython", required=True)
    ap.add_argument("--mbedtls", required=True)
    for arch in BOARDS:
        ap.add_argument("--qemu-" + arch, required=True, help="how to start the %s board" % arch)
    ap.add_argument("--json")
    ap.add_argument("--option", nargs=2, action="append", metavar=("ARCH", "VARIANT"),
                    help="only measure this firmware (a build of one Mbed TLS option) against base")
    ARGS = ap.parse_args()

    for arch, board in BOARDS.items():
        board["build"] = os.path.join(ARGS.build, board["dir"])
        board["qemu"] = getattr(ARGS, "qemu_" + arch)
    if ARGS.option:
        for arch, variant in ARGS.option:
            print_option(arch, variant)
        return

    reports = {}
    instruction_counts = {}
    for arch in BOARDS:
        reports[arch], instruction_counts[arch] = board_report(arch)

    # The Cortex-M3's figures stay at the top level, where they were before
    # the second board; the RISC-V board's are under "rv32".
    report = dict(reports["arm"])
    report["mbedtls"] = os.path.basename(os.path.realpath(ARGS.mbedtls))
    report["rv32"] = reports["rv32"]
    report["handshake_instructions"] = instruction_counts
    report["notes"] = [
        "flash = text+data a firmware adds over base (MicroPython without TLS); module, mbedtls from the linker map",
        "upstream is built without MBEDTLS_ERROR_C: Debian's tree lacks lib/mbedtls_errors/mp_mbedtls_errors.c (about 4.7 KB in a real upstream build)",
        "ca_bundle = the full profile's frozen default CAs (system bundle): flash = its frozen modules over the small profile's (no bundle); heap load_default_certs() keeps (gc.mem_alloc(); the module's import included, the context apart); least handshake heap with the default CAs on the full-testca firmware (the same bundle and the test CA)",
        "heap = least gc.mem_free() before creating both contexts at which a client+server in-memory handshake and one message each way succeed",
        "handshake_instructions = guest instructions (qemu -icount shift=0; Cortex-M3 to 40 instructions, RISC-V exact) from wrapping both sockets to the first message's arrival, contexts loaded before; median of %d boots; tls13 null where the build has no TLS 1.3" % RUNS,
    ]
    with open(ARGS.json, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")

    for arch in BOARDS:
        print_board(arch, reports[arch], instruction_counts[arch])
    print("wrote", ARGS.json)


if __name__ == "__main__":
    main()
