"""TLS settings for both ends, from PEM files: the game server and `parley web` serve with
`server_context(certfile, keyfile)`; every client connects to a wss:// address with
`client_context(url, cafile)` (the system's trusted authorities, or only `cafile`'s).

Each mistake is one sentence naming the file: `CertificateError` for the server's files (raised
before anything starts), `ClientError` for the client's.
"""

from __future__ import annotations

import ssl
from pathlib import Path


class ClientError(Exception):
    """Why the client cannot connect, join or carry on, as one sentence for a person."""


def client_context(url: str, cafile: str | Path | None) -> ssl.SSLContext | None:
    """The TLS settings for `url`: None for ws://; for wss://, the system's trusted
    authorities, or only `cafile`'s (a school's own authority, a self-signed certificate)."""
    if not url.startswith("wss://"):
        if cafile is not None:
            raise ClientError(f"--cafile is for a wss:// address; {url} is not encrypted.")
        return None
    try:
        return ssl.create_default_context(cafile=None if cafile is None else str(cafile))
    except (OSError, ssl.SSLError) as exc:
        raise ClientError(f"Cannot read the certificate authority file {cafile}: "
                          f"{getattr(exc, 'strerror', None) or exc}.") from None


class CertificateError(ValueError):
    """The certificate or key file cannot be used; the message names the file and why."""


def server_context(certfile: str | Path | None, keyfile: str | Path | None) -> ssl.SSLContext | None:
    """The server's TLS settings from a PEM certificate (chain) and its private key; None
    without a certificate. CertificateError for a missing, unreadable or mismatched file."""
    if certfile is None and keyfile is None:
        return None
    if certfile is None:
        raise CertificateError("--keyfile goes with --certfile (the certificate it is the key of).")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(str(certfile), None if keyfile is None else str(keyfile))
    except FileNotFoundError as exc:
        raise CertificateError(f"There is no file {exc.filename or certfile}.") from None
    except (OSError, ssl.SSLError) as exc:
        key = f" with the key {keyfile}" if keyfile is not None else ""
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc)
        raise CertificateError(f"Cannot serve TLS from the certificate {certfile}{key}: {reason}.") from None
    return context
