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

HAS_ALPN: bool  # beyond: as CPython's; True in builds with MBEDTLS_SSL_ALPN

# beyond: what sni_callback may return to refuse a name (CPython's AlertDescription values)
ALERT_DESCRIPTION_HANDSHAKE_FAILURE: int
ALERT_DESCRIPTION_ACCESS_DENIED: int
ALERT_DESCRIPTION_INTERNAL_ERROR: int
ALERT_DESCRIPTION_UNRECOGNIZED_NAME: int

class SSLError(OSError):
    """beyond: every TLS failure; args (Mbed TLS's negative code, message)."""

class SSLCertVerificationError(SSLError, ValueError):
    """beyond: the peer's certificate failed verification; args[0] is -0x2700."""

    verify_code: Optional[int]  # OpenSSL's X509_V_ERR_* number of the first reason
    verify_message: Optional[str]  # every reason, comma-separated

class TLSVersion:
    """beyond: CPython's values, as plain ints (not an IntEnum)."""

    MINIMUM_SUPPORTED: int
    MAXIMUM_SUPPORTED: int
    SSLv3: int
    TLSv1: int
    TLSv1_1: int
    TLSv1_2: int
    TLSv1_3: int

class Purpose:
    """beyond: the purposes of create_default_context(), as OID strings."""

    SERVER_AUTH: str
    CLIENT_AUTH: str

def create_default_context(
    purpose: str = Purpose.SERVER_AUTH,
    *,
    cafile: Optional[str] = None,
    capath: None = None,
    cadata: Optional[Union[str, bytes]] = None,
) -> SSLContext: ...  # beyond: capath is accepted only as None (no CA directories)

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
    """Opaque; from ``SSLSocket.session``, or made again from ``serialize()``'s bytes (beyond)."""

    def __init__(self, data: _Buffer, /) -> None: ...  # beyond: from SSLSession.serialize()
    def serialize(self) -> bytes: ...  # beyond

class SSLSocket:
    """Made only by ``wrap_socket``; a stream (read/write) with socket methods."""

    session: Optional[SSLSession]  # beyond: read-only
    session_reused: bool  # beyond: read-only
    server_hostname: Optional[str]  # beyond: read-only
    server_side: bool  # beyond: read-only
    context: SSLContext  # beyond: written only inside sni_callback
    dtls_cid: Optional[Tuple[bytes, bytes]]  # beyond: read-only; (own ID, peer's ID)
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
    def version(self) -> Optional[str]: ...  # beyond
    def pending(self) -> int: ...  # beyond
    def selected_alpn_protocol(self) -> Optional[str]: ...  # beyond
    def close(self) -> None: ...
    def ioctl(self, request: int, arg: Any = ..., /) -> int: ...  # beyond: MicroPython's stream ioctl
    def __enter__(self) -> SSLSocket: ...
    def __exit__(self, *args: Any) -> None: ...

class SSLContext:
    verify_mode: int
    verify_callback: Optional[Callable[[bytes, int], int]]  # beyond
    max_fragment_length: Optional[int]  # beyond: client only; None, 512, 1024, 2048 or 4096
    check_hostname: bool  # beyond
    minimum_version: int  # beyond: a TLSVersion value
    maximum_version: int  # beyond: a TLSVersion value
    keylog_filename: Optional[str]  # beyond
    sni_callback: Optional[Callable[[SSLSocket, str, SSLContext], Optional[int]]]  # beyond: servers
    skipped_cas: Tuple[Tuple[str, int, Optional[str], str], ...]  # beyond: read-only
    dtls_cid_len: Optional[int]  # beyond: DTLS contexts; None or 0 to 32
    psk_identity: Optional[Union[str, bytes]]  # beyond
    psk_key: Optional[bytes]  # beyond
    server_psk_keys: Any  # beyond: servers; any object with .get(identity)
    ecdsa_sign_callback: Optional[Callable[[bytearray, bytes], Optional[bytes]]]  # beyond
    def __init__(self, protocol: int, /) -> None: ...
    def load_cert_chain(self, certfile: Union[str, bytes], keyfile: Union[str, bytes], /) -> None: ...
    def load_verify_locations(
        self, cafile: Optional[str] = None, cadata: Optional[Union[str, bytes]] = None, *, capath: None = None
    ) -> None: ...  # capath: only None (no CA directories: ValueError)
    def load_default_certs(self, purpose: Optional[str] = None) -> None: ...  # beyond
    def cert_store_stats(self) -> Dict[str, int]: ...  # beyond
    def get_ciphers(self) -> List[str]: ...
    def set_ciphers(self, ciphers: List[str], /) -> None: ...
    def set_alpn_protocols(self, protocols: List[str], /) -> None: ...  # beyond
    def set_psk_client_callback(
        self, callback: Optional[Callable[[Optional[str]], Tuple[Union[str, bytes], bytes]]], /
    ) -> None: ...  # beyond
    def set_psk_server_callback(
        self, callback: Optional[Callable[[str], Optional[bytes]]], /, identity_hint: Optional[str] = None
    ) -> None: ...  # beyond
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
