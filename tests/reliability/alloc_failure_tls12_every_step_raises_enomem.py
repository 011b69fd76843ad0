# Every TLS allocation of a whole TLS 1.2 connection, full and resumed, made to fail in turn:
# each run ends in MemoryError or OSError(ENOMEM), frees everything, and the next connection
# works (_alloc_sweep.py says how, and which N the normal suite tries). Exporting a session
# without memory for its copy is ENOMEM, and works on the next try.
from _alloc_sweep import export_without_memory, sweep
from _inmemory import TLS12

sweep("TLS 1.2", TLS12)
sweep("TLS 1.2 resumed", TLS12, resume=True)
print("session export without memory, then with:", export_without_memory(TLS12))
