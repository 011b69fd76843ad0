# Frozen modules for the unix build: MicroPython's asyncio (for TLS streams
# under asyncio). micropython-lib is not part of Debian's source package and
# the ssl module is ours, so nothing else is frozen.
include("$(MPY_DIR)/extmod/asyncio")

# The default CAs (SSLContext.load_default_certs, docs/trust-store.md): the system bundle (the
# ca-certificates package's), converted to a trust store when the firmware is built and frozen
# as _mpssl_ca_bundle.STORE, which mpssl reads in place (no heap). Without a system bundle
# nothing is frozen, and load_default_certs() reads the bundle file at run time instead.
import os
import sys

_system_bundle = "/etc/ssl/certs/ca-certificates.crt"
if os.path.exists(_system_bundle):
    sys.path.insert(0, "../tools")
    import mpssl_truststore

    with open(_system_bundle, "rb") as _f:
        _source = "# Generated from %s by mpssl/manifest.py.\nSTORE = %r\n" % (
            _system_bundle,
            mpssl_truststore.convert(_f.read()),
        )
    _frozen = "../build/ca-bundle/_mpssl_ca_bundle.py"
    os.makedirs(os.path.dirname(_frozen), exist_ok=True)
    # Written only when it changes, so that an unchanged bundle is not frozen again.
    if not os.path.exists(_frozen) or open(_frozen).read() != _source:
        with open(_frozen, "w") as _f:
            _f.write(_source)
    module("_mpssl_ca_bundle.py", base_path=os.path.dirname(_frozen))
