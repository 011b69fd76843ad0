# Runs a fuzz target's fuzz_one() on given input files with any MicroPython build of ours (the
# same script the libFuzzer harness runs): to reproduce a finding without the fuzzer, on a
# build without the sanitizers too.
#   MPSSL_CERTS=build/certs build/micropython-test fuzz/replay.py TARGET FILE...
import sys

HERE = sys.argv[0].rsplit("/", 1)[0]
exec(open(HERE + "/_prelude.py").read())
exec(open(HERE + "/" + sys.argv[1] + ".py").read())
for name in sys.argv[2:]:
    with open(name, "rb") as f:
        fuzz_one(f.read())
    print("ok", name)
