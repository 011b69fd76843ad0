#!/usr/bin/env bash
# Build a variant of our binary for measurement or experiment, in its own
# build directory, leaving build/micropython alone. The arguments are those
# of the top-level Makefile's UNIX_MAKE_ARGS; what varies is an extra Mbed TLS
# configuration header (included at the end of mpssl/mbedtls_config_mpssl.h
# through MPSSL_MBEDTLS_CONFIG_USER), extra compiler flags and COPT.
#
# usage: bench/build-variant.sh NAME [CONFIG_USER_HEADER] [EXTRA_CFLAGS]
#   output build/micropython-NAME, build directory build/variants/NAME
# Environment: COPT (default "-O2 -DNDEBUG"), JOBS, MICROPY_SRC, MBEDTLS_SRC.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: $0 NAME [CONFIG_USER_HEADER] [EXTRA_CFLAGS]}
header=${2:-}
extra=${3:-}
micropy_src=$(realpath "${MICROPY_SRC:-$root/build/deps/micropython}")
mbedtls_src=$(realpath "${MBEDTLS_SRC:-$root/build/deps/mbedtls}")
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
mpy_cross=$root/build/mpy-cross/mpy-cross
[ -x "$mpy_cross" ] || { echo "build-variant: run make first (no $mpy_cross)" >&2; exit 1; }
mkdir -p "$root/build/variants"

cflags=$extra
if [ -n "$header" ]; then
    cflags="$cflags -DMPSSL_MBEDTLS_CONFIG_USER='\"$(realpath "$header")\"'"
fi
make -C "$micropy_src/ports/unix" -j"$jobs" \
    VARIANT=standard \
    BUILD="$root/build/variants/$name" \
    USER_C_MODULES="$root" \
    MBEDTLS_SRC="$mbedtls_src" \
    FROZEN_MANIFEST="$root/mpssl/manifest.py" \
    MICROPY_PY_SSL=0 \
    MICROPY_SSL_MBEDTLS=0 \
    MICROPY_SSL_AXTLS=0 \
    MICROPY_PY_BTREE=0 \
    MICROPY_PY_FFI=0 \
    COPT="${COPT:--O2 -DNDEBUG}" \
    CFLAGS_EXTRA="$cflags" \
    MICROPY_MPYCROSS="$mpy_cross" MICROPY_MPYCROSS_DEPENDENCY="$mpy_cross" >"$root/build/variants/$name.log" 2>&1 \
    || { tail -30 "$root/build/variants/$name.log" >&2; exit 1; }
cp "$root/build/variants/$name/micropython" "$root/build/micropython-$name"
echo "build-variant: build/micropython-$name"
