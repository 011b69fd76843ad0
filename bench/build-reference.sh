#!/usr/bin/env bash
# Build the reference MicroPython for the benchmarks: the same MicroPython
# source as build/micropython, but with upstream's own TLS module
# (extmod/modtls_mbedtls.c) and upstream's own Mbed TLS configuration
# (ports/unix/mbedtls/mbedtls_config_port.h + extmod/mbedtls/mbedtls_config_common.h),
# compiled from Debian's Mbed TLS source as shipped: a copy of our tree with
# our patches (patches/mbedtls, bug fixes and speed-ups alike) reversed, so
# that the baseline is upstream as its users run it.
#
# Debian's patch 0006 replaced upstream's in-tree Mbed TLS build with linking
# the system library (and lib/mbedtls is empty in its source package). So the
# MicroPython tree is copied, 0006 is reversed in the copy, and the copy's
# lib/mbedtls points at the unpatched Mbed TLS copy: upstream's own source
# list then compiles it, exactly as an upstream checkout with its submodule
# would.
#
# usage: bench/build-reference.sh [OUT]   (default build/micropython-reference)
# Environment: MICROPY_SRC, MBEDTLS_SRC, JOBS, as for the top-level Makefile.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
micropy_src=$(realpath "${MICROPY_SRC:-$root/build/deps/micropython}")
mbedtls_src=$(realpath "${MBEDTLS_SRC:-$root/build/deps/mbedtls}")
out=$(realpath -m "${1:-$root/build/micropython-reference}")
work=$root/build/reference
src=$work/micropython
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

die() { echo "build-reference: $*" >&2; exit 1; }
[ -f "$micropy_src/py/mpconfig.h" ] || die "MicroPython source not found at $micropy_src (run make first)"
[ -f "$mbedtls_src/include/mbedtls/ssl.h" ] || die "Mbed TLS source not found at $mbedtls_src (run make first)"
patch_0006=$micropy_src/debian/patches/0006-extmod-Use-system-mbedtls.patch

# 1. A private copy of the MicroPython tree with patch 0006 undone.
stamp=$src/.mpssl-reference
if [ ! -f "$stamp" ] || [ "$micropy_src/py/mpconfig.h" -nt "$stamp" ]; then
    echo "build-reference: copying $micropy_src to $src"
    rm -rf "$src"
    mkdir -p "$work"
    cp -a "$micropy_src" "$src"
    if [ -f "$patch_0006" ] && patch -d "$src" -p1 -R --dry-run -s -f < "$patch_0006" >/dev/null 2>&1; then
        echo "build-reference: reversing $(basename "$patch_0006")"
        patch -d "$src" -p1 -R -s -f < "$patch_0006"
    fi
    grep -q 'MBEDTLS_DIR = lib/mbedtls' "$src/extmod/extmod.mk" \
        || die "extmod/extmod.mk does not build Mbed TLS from lib/mbedtls; cannot make the reference"
    rm -rf "$src/lib/mbedtls"
    ln -s "$work/mbedtls" "$src/lib/mbedtls"
    touch "$stamp"
fi

# 2. Mbed TLS as Debian ships it: our tree with our patches reversed, last
# first. Made afresh each time (the patch set may have changed), and the
# reference's Mbed TLS objects with it.
echo "build-reference: copying $mbedtls_src without patches/mbedtls to $work/mbedtls"
rm -rf "$work/mbedtls" "$work/unix/lib/mbedtls"
cp -a "$mbedtls_src" "$work/mbedtls"
for p in $(ls "$root"/patches/mbedtls/*.patch | sort -r); do
    patch -d "$work/mbedtls" -p1 -R -s -f --no-backup-if-mismatch < "$p" \
        || die "cannot reverse $(basename "$p") in the reference's copy of Mbed TLS"
done

# 3. mpy-cross, shared with the main build.
mpy_cross=$root/build/mpy-cross/mpy-cross
if [ ! -x "$mpy_cross" ]; then
    make -C "$micropy_src/mpy-cross" -j"$jobs" BUILD="$root/build/mpy-cross"
fi

# 4. The unix port with upstream's TLS. Everything else as in our Makefile's
# UNIX_MAKE_ARGS (same variant, frozen manifest, options and COPT), so that
# the two binaries differ only in their TLS module and Mbed TLS configuration.
make -C "$src/ports/unix" -j"$jobs" \
    VARIANT=standard \
    BUILD="$work/unix" \
    FROZEN_MANIFEST="$root/mpssl/manifest.py" \
    MICROPY_PY_SSL=1 \
    MICROPY_SSL_MBEDTLS=1 \
    MICROPY_SSL_AXTLS=0 \
    MICROPY_PY_BTREE=0 \
    MICROPY_PY_FFI=0 \
    COPT="-O2 -DNDEBUG" \
    MICROPY_MPYCROSS="$mpy_cross" MICROPY_MPYCROSS_DEPENDENCY="$mpy_cross"
cp "$work/unix/micropython" "$out"
echo "build-reference: $out ($("$out" -c 'import tls; print("Mbed TLS", tls.MBEDTLS_VERSION)'))"
