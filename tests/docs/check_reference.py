#!/usr/bin/env python3
"""Every public name of stubs/ssl.pyi (so, with check_stubs.py, of the module) is documented
in docs/reference.md.

    python3 tests/docs/check_reference.py

A module-level name must appear in backquotes (`CERT_NONE`, `ssl.wrap_socket(`), a class as
a `## class` heading, a method or attribute as `Class.name` in backquotes (in a `###`
heading: "### `SSLContext.verify_mode`"). A missing one is named with where to add it.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_stubs import ROOT, read_stub  # noqa: E402

PAGE = os.path.join(ROOT, "docs", "reference.md")


def main():
    page = open(PAGE).read()
    headings = "\n".join(line for line in page.splitlines() if line.startswith("#"))
    stub = read_stub("ssl")
    missing = []
    count = 0
    for name in sorted(set(stub["names"]) | set(stub["functions"])):
        count += 1
        if not re.search(r"`(ssl\.)?%s\b" % re.escape(name), page):
            missing.append("%s: in `backquotes` in the section it belongs to (Functions, Constants)" % name)
    for cname, cls in sorted(stub["classes"].items()):
        count += 1
        if not re.search(r"^## class `%s`" % re.escape(cname), headings, re.M):
            missing.append("%s: a '## class `%s`' section" % (cname, cname))
        for member in sorted(set(cls["attrs"]) | {m for m in cls["methods"] if not m.startswith("_")}):
            count += 1
            if not re.search(r"^###.*`%s\.%s\b" % (re.escape(cname), re.escape(member)), headings, re.M):
                missing.append("%s.%s: a '### `%s.%s`' entry under class %s" % (cname, member, cname, member, cname))
    for m in missing:
        print("docs/reference.md lacks " + m)
    print("check_reference: %d names, %d undocumented" % (count, len(missing)))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
