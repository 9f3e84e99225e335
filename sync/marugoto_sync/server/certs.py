"""Certificates for a pilot or a test: a private CA and a server certificate it signed.

Production uses the city's own CA. For a pilot, `marugoto-sync dev-cert` writes ca.pem (to
install next to the desktop app, `--ca-file`), server.pem and server-key.pem (for `serve`).
The CA's private key is never written: nobody can sign another certificate with this CA, and
renewing means running dev-cert again and handing out the new ca.pem.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 5 * 365
# Browsers and some TLS stacks refuse server certificates valid for longer than 398 days.
SERVER_DAYS = 397
_HOST_RE = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


class CertificateError(ValueError):
    """The certificates cannot be written as asked."""


@dataclass(frozen=True)
class DevCertificates:
    ca: Path
    server: Path
    server_key: Path


def _host_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _HOST_RE.match(host):
        raise CertificateError(f"{host!r} is not a host name or IP address")
    return x509.DNSName(host.lower())


def _subject_alternative_names(host: str) -> list[x509.GeneralName]:
    names = [
        _host_name(host),
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    return list(dict.fromkeys(names))


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "marugoto-sync pilot"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def write_dev_certificates(
    out: Path, host: str, *, overwrite: bool = False, now: datetime | None = None
) -> DevCertificates:
    """Write ca.pem, server.pem and server-key.pem into `out` for a server named `host`."""
    files = DevCertificates(out / "ca.pem", out / "server.pem", out / "server-key.pem")
    sans = _subject_alternative_names(host)
    existing = [p for p in (files.ca, files.server, files.server_key) if p.exists()]
    if existing and not overwrite:
        raise CertificateError(
            f"{existing[0]} already exists; laptops may trust it (use --force to replace)"
        )
    now = now or datetime.now(UTC)
    start = now - timedelta(minutes=5)  # tolerate a server clock slightly behind

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"marugoto-sync pilot CA ({host})")
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(now + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(now + timedelta(days=SERVER_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )

    # A folder made here holds a private key: the server's account only (an existing one is
    # left as the operator made it).
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    files.ca.write_bytes(_pem(ca))
    files.server.write_bytes(_pem(server))
    key_pem = server_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Readable by the server's account only, from the moment the file exists.
    files.server_key.unlink(missing_ok=True)
    descriptor = os.open(files.server_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(key_pem)
    return files
