"""Type stubs for mpssl's ``ssl`` module (MicroPython's ssl on Mbed TLS).

Checked against the built module by tests/docs/check_stubs.py (suite ``docs``): every public
name here must exist in the module and every public name of the module must be here, and each
callable must accept exactly the parameters written here (positional-only ``/``, keyword-only
``*``, defaults). To add a name: add it here, in docs/reference.md, and run
``python3 tools/run-tests.py --suite docs --only stubs``.

Names marked ``# beyond`` go beyond the module documentation (/work/shared/seed/ssl.txt).
"""

from typing import Any, Callable, Dict, List, Optional, Tuple, Union

_Buffer = Union[bytes, bytearray, memoryview]

MBEDTLS_VERSION: str  # beyond: the Mbed TLS release built in, e.g. "Mbed TLS 3.6.7"

PROTOCOL_TLS_CLIENT: int
PROTOCOL_TLS_SERVER: int
PROTOCOL_DTLS_CLIENT: int
PROTOCOL_DTLS_SERVER: int

CERT_NONE: int
CERT_OPTIONAL: int
CERT_REQUIRED: int

def wrap_socket(
    sock: Any,
    /,
    server_side: bool = False,
    key: Optional[Union[str, bytes]] = None,
    cert: Optional[Union[str, bytes]] = None,
    cert_reqs: int = CERT_NONE,
    cadata: Optional[Union[str, bytes]] = None,
    server_hostname: Optional[str] = None,
    do_handshake: bool = True,
) -> SSLSocket: ...

class SSLSession:
    """Opaque; made only by ``SSLSocket.session`` (beyond)."""

class SSLSocket:
    """Made only by ``wrap_socket``; a stream (read/write) with socket methods."""

    session: Optional[SSLSession]  # beyond: read-only
    session_reused: bool  # beyond: read-only
    def read(self, size: int = -1, /) -> Optional[bytes]: ...
    def readinto(self, buf: _Buffer, nbytes: int = ..., /) -> Optional[int]: ...
    def readline(self, size: int = -1, /) -> Optional[bytes]: ...
    def write(self, buf: _Buffer, off_or_len: int = ..., max_len: int = ..., /) -> Optional[int]: ...
    def recv(self, bufsize: int, /) -> Optional[bytes]: ...  # beyond
    def recv_into(self, buf: _Buffer, nbytes: int = ..., /) -> Optional[int]: ...  # beyond
    def send(self, buf: _Buffer, /) -> Optional[int]: ...  # beyond
    def sendall(self, buf: _Buffer, off_or_len: int = ..., max_len: int = ..., /) -> Optional[int]: ...  # beyond
    def setblocking(self, flag: bool, /) -> None: ...
    def settimeout(self, value: Optional[float], /) -> None: ...  # beyond
    def do_handshake(self) -> None: ...  # beyond
    def getpeercert(self, binary_form: bool = False) -> Optional[Union[Dict[str, Any], bytes]]: ...  # beyond
    def cipher(self) -> Optional[Tuple[str, str, int]]: ...  # beyond
    def close(self) -> None: ...
    def ioctl(self, request: int, arg: Any = ..., /) -> int: ...  # beyond: MicroPython's stream ioctl
    def __enter__(self) -> SSLSocket: ...
    def __exit__(self, *args: Any) -> None: ...

class SSLContext:
    verify_mode: int
    verify_callback: Optional[Callable[[bytes, int], int]]  # beyond
    max_fragment_length: Optional[int]  # beyond: client only; None, 512, 1024, 2048 or 4096
    def __init__(self, protocol: int, /) -> None: ...
    def load_cert_chain(self, certfile: Union[str, bytes], keyfile: Union[str, bytes], /) -> None: ...
    def load_verify_locations(
        self, cafile: Optional[str] = None, cadata: Optional[Union[str, bytes]] = None
    ) -> None: ...
    def get_ciphers(self) -> List[str]: ...
    def set_ciphers(self, ciphers: List[str], /) -> None: ...
    def wrap_socket(
        self,
        sock: Any,
        /,
        *,
        server_side: bool = False,
        do_handshake_on_connect: bool = True,
        server_hostname: Optional[str] = None,
        client_id: Optional[bytes] = None,
        session: Optional[SSLSession] = None,  # beyond
    ) -> SSLSocket: ...
