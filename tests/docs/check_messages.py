#!/usr/bin/env python3
"""Every message mpssl raises is in the tutorial's troubleshooting section.

    python3 tests/docs/check_messages.py

The messages are read from mpssl/*.c (not the test module): each MP_ERROR_TEXT, each string
of ssl_errors.c's tables and each literal handed to mpssl_raise_oserror_msg or printed into
an error message, and ssl_truststore.c's load and skip reasons. A message with %-fields
must appear in its literal parts (runs of at least 8 characters). A message missing from
the section fails, naming it: say what it means and what to do in
docs/tutorial-certificates.md's "Troubleshooting by error message".
"""
import argparse
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = os.path.join(ROOT, "docs", "tutorial-certificates.md")
SECTION = "## Troubleshooting by error message"
PATTERNS = (
    r'MP_ERROR_TEXT\("((?:[^"\\]|\\.)*)"',
    r'\{ *MBEDTLS_[A-Z0-9_]+, *"((?:[^"\\]|\\.)*)" *\}',
    r'mpssl_raise_oserror_msg\([^,]+,\s*"((?:[^"\\]|\\.)*)"',
    r'vstr_add_str\(&message, "((?:[^"\\]|\\.)*)"\)',
    r'vstr_printf\(&message, "((?:[^"\\]|\\.)*)"',
    r'mp_printf\(&print, "((?:[^"\\]|\\.)*)"',
    r'mp_print_str\(&print, "((?:[^"\\]|\\.)*)"\)',
    r'return "((?:[^"\\]|\\.)*)";',
    # ssl_truststore.c: why a CA was skipped (also the message when none was usable).
    r'return mp_obj_new_str_from_cstr\("((?:[^"\\]|\\.)*)"\);',
    r'vstr_printf\(&(?:reason|what), "((?:[^"\\]|\\.)*)"',
)
# Calls each of whose string arguments is (part of) a message: ssl_truststore.c's load errors,
# "<source> entry <n>: <reason>".
CALLS = (r'ssl_loader_fail\([^;]*\);',)
STRING = r'"((?:[^"\\]|\\.)*)"'
# Functions whose strings are not messages, by file: ssl_keylog.c's ssl_keylog_label returns the
# NSS key log labels (CLIENT_RANDOM...) written into the key log file, which the `return "..."`
# pattern would otherwise take for error hints.
NOT_MESSAGES = {"ssl_keylog.c": ("ssl_keylog_label",)}


def without_functions(text, names):
    """text without the named static C functions (from the definition's first line to its
    closing brace in column 0)."""
    for name in names:
        text, n = re.subn(r"^static [^\n]*\b%s\(.*?^\}$" % re.escape(name), "", text, flags=re.M | re.S)
        if n != 1:
            sys.exit("check_messages: %s not found once in mpssl/: update NOT_MESSAGES" % name)
    return text


def messages():
    found = []
    for path in sorted(glob.glob(os.path.join(ROOT, "mpssl", "*.c"))):
        if path.endswith("ssl_testing.c"):
            continue
        text = without_functions(open(path).read(), NOT_MESSAGES.get(os.path.basename(path), ()))
        for pattern in PATTERNS:
            for m in re.finditer(pattern, text):
                found.append((os.path.relpath(path, ROOT), m.group(1).replace('\\"', '"')))
        for call in CALLS:
            for m in re.finditer(call, text):
                for string in re.findall(STRING, m.group(0)):
                    found.append((os.path.relpath(path, ROOT), string.replace('\\"', '"')))
    return found


def main():
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_known_args()
    page = open(PAGE).read()
    section = page[page.index(SECTION):]
    # The page writes messages in `code`; compare without the backquotes.
    section = section.replace("`", "")
    missing = []
    count = 0
    for path, message in messages():
        parts = [p for p in re.split(r"%[-0-9.*]*[a-zA-Z]", message) if len(p.strip(" :,()'")) >= 8]
        if not parts:
            continue
        count += 1
        if not all(p.strip() in section for p in parts):
            missing.append("%s: %r is not in %s's troubleshooting section" % (path, message, os.path.relpath(PAGE, ROOT)))
    for m in missing:
        print(m)
    print("check_messages: %d messages, %d missing" % (count, len(missing)))
    return 1 if missing or count < 40 else 0


if __name__ == "__main__":
    sys.exit(main())
