# The test build (build/micropython-test, and the sanitizer builds made from it) has the test
# hooks the other tests use; tests/product/no_test_hooks.py checks the product has none.
import _mpssl_testing

print(sorted(name for name in dir(_mpssl_testing) if not name.startswith("_")))
