# Frozen modules for every qemu firmware of ours (footprint and tests alike,
# so the test data cancels out of size comparisons): the test certificates
# and keys as DER bytes, generated at build time by ports/qemu/make_testcerts.py
# (nothing secret is committed). The port's default manifest needs
# micropython-lib's unittest, which Debian's source package lacks.
module("mpssl_testcerts.py", base_path="../../build/qemu/frozen")
# The in-memory transport the tests and the footprint measurement use.
module("mpssl_testpipe.py")
# The default CAs, SSLContext.load_default_certs(): qemu.mk writes _mpssl_ca_bundle.py (the
# system bundle as a trust store, ports/qemu/make_ca_bundle.py) into this directory of the
# firmware's build where the build option MPSSL_CA_BUNDLE is on, and leaves it empty where off.
freeze("$(MPSSL_CA_BUNDLE)")
