"""Type stubs for ``tls``: the same module as ``ssl`` under upstream MicroPython's name.

Only the default of ``SSLContext.verify_mode`` differs: a ``tls.SSLContext`` client starts at
``CERT_REQUIRED`` (upstream's default), an ``ssl.SSLContext`` one at ``CERT_NONE``. Checked
by tests/docs/check_stubs.py like ssl.pyi; a name only one module has is written here
explicitly instead of the star import.
"""

from ssl import *
