# Every TLS allocation of a whole TLS 1.3 connection made to fail in turn: each run ends in
# MemoryError or OSError(ENOMEM), frees everything, and the next connection works
# (_alloc_sweep.py says how, and which N the normal suite tries).
from _alloc_sweep import sweep
from _inmemory import TLS13

sweep("TLS 1.3", TLS13)
