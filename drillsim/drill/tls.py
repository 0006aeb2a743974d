"""TLS for a drill served beyond one machine: ``drillsim drill serve --certfile CERT
--keyfile KEY`` listens for ``wss://`` (WebSockets over TLS); ``drillsim drill join
wss://HOST:PORT [--cafile CA]`` checks the server's certificate (against the system's
trusted authorities, or ``CA`` for a certificate of the exercise's own) before it sends
the seat's secret. Both are :mod:`ssl` contexts of the standard library with its secure
defaults (TLS 1.2 or later, host name checked), handed to the ``websockets`` library.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from drillsim.errors import DrillsimError


class TlsError(DrillsimError):
    """A certificate, key or authority file that cannot be used (the message names it)."""


def _why(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc) or type(exc).__name__


def server_context(certfile: str | Path, keyfile: str | Path | None = None) -> ssl.SSLContext:
    """The server's TLS context: its certificate chain (PEM) and private key.

    :raises TlsError: a file missing or unreadable, not PEM, or a key that does not
        match the certificate.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(certfile), None if keyfile is None else str(keyfile))
    except FileNotFoundError as exc:
        raise TlsError(f"{exc.filename or certfile}: no such file") from None
    except (ssl.SSLError, OSError) as exc:
        raise TlsError(f"{certfile}" + (f" and {keyfile}" if keyfile else "")
                       + f": not a usable certificate and private key in PEM ({_why(exc)})") from None
    return context


def client_context(cafile: str | Path | None = None) -> ssl.SSLContext:
    """A seat's TLS context: the server's certificate checked against ``cafile`` (PEM)
    or, without one, the system's trusted authorities; its host name checked.

    :raises TlsError: ``cafile`` missing, unreadable or not PEM certificates.
    """
    try:
        return ssl.create_default_context(cafile=None if cafile is None else str(cafile))
    except FileNotFoundError:
        raise TlsError(f"{cafile}: no such file") from None
    except (ssl.SSLError, OSError) as exc:
        raise TlsError(f"{cafile}: not certificates in PEM ({_why(exc)})") from None
