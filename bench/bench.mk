# make bench: the performance suite (bench/README.md), included by the top-level Makefile.
#
#   make bench                 full mode (minutes): bench/results.md, bench/results.png
#   make bench BENCH=quick     CI mode, under two minutes, asserts nothing
# Both write build/bench.json (median, min and max of every metric), build/bench.md
# and build/bench.png.

BENCH ?= full
BENCH_PACKAGES := valgrind gnuplot-nox openssl
BENCH_REFERENCE := build/micropython-reference
BENCH_LIBC := build/micropython-libcalloc

.PHONY: bench bench-binaries bench-tools

# Upstream's tls module and Mbed TLS configuration, on Mbed TLS without our patches.
$(BENCH_REFERENCE): bench/build-reference.sh $(MICROPY_PATCHED) $(MBEDTLS_PATCHED)
	JOBS=$(JOBS) MICROPY_SRC=$(MICROPY_SRC) MBEDTLS_SRC=$(MBEDTLS_SRC) bench/build-reference.sh $@

# Ours with Mbed TLS on libc's allocator: massif then sees both binaries alike.
$(BENCH_LIBC): build/micropython bench/build-variant.sh bench/config-libc-alloc.h
	JOBS=$(JOBS) MICROPY_SRC=$(MICROPY_SRC) MBEDTLS_SRC=$(MBEDTLS_SRC) bench/build-variant.sh libcalloc bench/config-libc-alloc.h

bench-tools:
	@tools/ensure-packages.sh $(BENCH_PACKAGES)

# The board firmwares whose code size the benchmark reports (ports/qemu/qemu.mk builds them).
BENCH_FIRMWARES := $(foreach v,upstream small full,$(QEMU_BUILD)/$(v)/firmware.elf)

bench-binaries: bench-tools build/micropython $(BENCH_REFERENCE) $(BENCH_LIBC) $(BENCH_FIRMWARES)
	@test -f build/certs/ca.crt.der || tools/make-certs.sh build/certs

bench: bench-binaries
	python3 bench/run.py $(if $(filter quick,$(BENCH)),--quick)
