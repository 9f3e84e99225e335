"""dev-cert: a CA and a server certificate that verify as a chain for the host name.

These checks touch no database, so they run once rather than per backend; serving over
HTTPS with these files, on both databases, is in test_https.py.
"""

from __future__ import annotations

import ipaddress
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from marugoto_sync.server.cli import main


@pytest.fixture
def certs(tmp_path: Path) -> Path:
    assert main(["dev-cert", "--out", str(tmp_path), "--host", "sync.mure.example"]) == 0
    return tmp_path


def _load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_dev_cert_writes_a_ca_and_a_server_certificate_it_signed(certs: Path) -> None:
    ca, server = _load(certs / "ca.pem"), _load(certs / "server.pem")
    server.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH in usage

    sans = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(sans.get_values_for_type(x509.DNSName)) == {"sync.mure.example", "localhost"}
    assert sans.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]

    key = serialization.load_pem_private_key((certs / "server-key.pem").read_bytes(), None)
    assert key.public_key() == server.public_key()
    assert stat.S_IMODE((certs / "server-key.pem").stat().st_mode) == 0o600


@pytest.mark.parametrize("name", ["sync.mure.example", "localhost", "127.0.0.1"])
def test_the_chain_verifies_for_each_name_a_client_may_use(certs: Path, name: str) -> None:
    ca, server = _load(certs / "ca.pem"), _load(certs / "server.pem")
    subject: x509.GeneralName
    try:
        subject = x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        subject = x509.DNSName(name)
    verifier = PolicyBuilder().store(Store([ca])).build_server_verifier(subject)
    chain = verifier.verify(server, [])
    assert chain[-1] == ca


def test_the_chain_does_not_verify_for_another_name_or_another_ca(
    certs: Path, tmp_path: Path
) -> None:
    ca, server = _load(certs / "ca.pem"), _load(certs / "server.pem")
    verifier = (
        PolicyBuilder().store(Store([ca])).build_server_verifier(x509.DNSName("sync.other.example"))
    )
    with pytest.raises(VerificationError):
        verifier.verify(server, [])

    other = tmp_path / "other"
    assert main(["dev-cert", "--out", str(other), "--host", "sync.mure.example"]) == 0
    foreign = (
        PolicyBuilder()
        .store(Store([_load(other / "ca.pem")]))
        .build_server_verifier(x509.DNSName("sync.mure.example"))
    )
    with pytest.raises(VerificationError):
        foreign.verify(server, [])


def test_an_ip_address_host_is_put_in_the_san(tmp_path: Path) -> None:
    assert main(["dev-cert", "--out", str(tmp_path), "--host", "192.168.10.5"]) == 0
    sans = (
        _load(tmp_path / "server.pem")
        .extensions.get_extension_for_class(x509.SubjectAlternativeName)
        .value
    )
    assert ipaddress.ip_address("192.168.10.5") in sans.get_values_for_type(x509.IPAddress)


def test_dev_cert_does_not_replace_certificates_laptops_may_trust(
    certs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (certs / "ca.pem").read_bytes()
    capsys.readouterr()
    assert main(["dev-cert", "--out", str(certs), "--host", "sync.mure.example"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (certs / "ca.pem").read_bytes() == before
    assert main(["dev-cert", "--out", str(certs), "--host", "x.example", "--force"]) == 0
    assert (certs / "ca.pem").read_bytes() != before


def test_dev_cert_refuses_a_host_that_is_no_name(tmp_path: Path) -> None:
    assert main(["dev-cert", "--out", str(tmp_path), "--host", "not a host"]) == 1
    assert not (tmp_path / "ca.pem").exists()


@pytest.mark.usefixtures("usual_umask")
def test_dev_cert_makes_its_folder_for_the_servers_account_only(tmp_path: Path) -> None:
    out = tmp_path / "etc" / "marugoto-sync"
    assert main(["dev-cert", "--out", str(out), "--host", "sync.mure.example"]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "server-key.pem").stat().st_mode) == 0o600
