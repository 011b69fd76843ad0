# The small part of unittest that MicroPython's ssl tests use (TestCase with
# test_* methods, assert helpers, main()), for tools/upstream_suite.py: the
# Debian source of MicroPython does not ship micropython-lib's unittest.
# Its summary has the shape run-tests.py looks for: "Ran N tests", "", "OK".
import sys


class SkipTest(Exception):
    pass


class TestCase:
    def setUp(self):
        pass

    def tearDown(self):
        pass

    def assertEqual(self, a, b, msg=None):
        if not a == b:
            raise AssertionError(msg or "%r != %r" % (a, b))

    def assertTrue(self, x, msg=None):
        if not x:
            raise AssertionError(msg or "%r is not true" % (x,))

    def assertFalse(self, x, msg=None):
        if x:
            raise AssertionError(msg or "%r is not false" % (x,))

    def assertIsNone(self, x, msg=None):
        if x is not None:
            raise AssertionError(msg or "%r is not None" % (x,))

    def assertRaises(self, exc, func, *args, **kwargs):
        try:
            func(*args, **kwargs)
        except exc:
            return
        raise AssertionError("%r not raised" % (exc,))

    def skipTest(self, reason):
        raise SkipTest(reason)


def main(module="__main__"):
    if module == "__main__":
        import __main__ as mod
    else:
        mod = sys.modules[module] if isinstance(module, str) else module
    ran = failed = skipped = 0
    for name in sorted(dir(mod)):
        cls = getattr(mod, name)
        if not (isinstance(cls, type) and issubclass(cls, TestCase) and cls is not TestCase):
            continue
        for method in sorted(dir(cls)):
            if not method.startswith("test"):
                continue
            test = cls()
            ran += 1
            try:
                test.setUp()
                try:
                    getattr(test, method)()
                finally:
                    test.tearDown()
                print("%s (%s) ... ok" % (method, name))
            except SkipTest as e:
                skipped += 1
                print("%s (%s) ... skipped: %s" % (method, name, e))
            except Exception as e:
                failed += 1
                print("%s (%s) ... FAIL" % (method, name))
                sys.print_exception(e)
    print("Ran %d tests" % ran)
    print()
    if failed:
        print("FAILED (failures=%d)" % failed)
        raise SystemExit(1)
    print("OK" + (" (skipped=%d)" % skipped if skipped else ""))
