# The product binary (build/micropython, what `make` builds and users run) carries no test
# hooks: no _mpssl_testing (allocation-failure injection, in-memory pipes), while its ssl module
# is all there. tests/reliability/test_build_has_test_hooks.py checks the other side.
import ssl

try:
    import _mpssl_testing
except ImportError:
    print("_mpssl_testing: absent")
else:
    print("_mpssl_testing: present in the product binary:", _mpssl_testing)

print("ssl:", all(hasattr(ssl, name) for name in ("SSLContext", "SSLSocket", "SSLSession", "wrap_socket")))
