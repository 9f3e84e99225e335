"""The certificates the sync client trusts besides the computer's own store: the office's CA,
kept as PEM text (a path may move; the certificate's content does not), and what a person
needs to tell certificates apart when one is not trusted (subject, SHA-256 fingerprint).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID


class NotPem(ValueError):
    """The text holds no PEM certificate (a key, a DER file, anything else)."""


@dataclass(frozen=True)
class CaCertificate:
    subject: str  # its common name, or the whole name when it has none
    sha256: str  # AB:CD:…, as `openssl x509 -fingerprint -sha256` prints it


def _name(name: x509.Name) -> str:
    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(common[0].value) if common else name.rfc4514_string()


def _described(certificate: x509.Certificate) -> CaCertificate:
    digest = certificate.fingerprint(hashes.SHA256())
    return CaCertificate(_name(certificate.subject), ":".join(f"{b:02X}" for b in digest))


def _load(pem: str | bytes) -> list[x509.Certificate]:
    data = pem.encode("utf-8") if isinstance(pem, str) else pem
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise NotPem("no -----BEGIN CERTIFICATE----- block")
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise NotPem(str(exc)) from None


def certificates_in(pem: str | bytes) -> list[CaCertificate]:
    """The certificates of a PEM text, described; NotPem if it holds none."""
    return [_described(c) for c in _load(pem)]


def pem_text(data: str | bytes) -> str:
    """The certificates of a PEM file alone, as ASCII PEM text (what an SSL context loads),
    without the comments or attributes some tools write around them; NotPem if none."""
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in _load(data))


def issuer_presented(url: str, timeout: float = 5.0) -> str | None:
    """Who issued the certificate the server at `url` presents, without trusting it (for
    a message about a certificate that is not trusted); None if it cannot be told."""
    parts = urlsplit(url)
    if parts.hostname is None:
        return None
    try:
        pem = ssl.get_server_certificate((parts.hostname, parts.port or 443), timeout=timeout)
        return _name(x509.load_pem_x509_certificate(pem.encode("ascii")).issuer)
    except (OSError, ValueError):
        return None
