# Frozen modules for the unix build: MicroPython's asyncio (for TLS streams
# under asyncio). micropython-lib is not part of Debian's source package and
# the ssl module is ours, so nothing else is frozen.
include("$(MPY_DIR)/extmod/asyncio")
