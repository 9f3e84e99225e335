"""`marugoto-desktop --self-test`: does this installation work? One line per step; exit 0 only
if every step passed.

Run by `make installer-smoke` on the frozen program, by IT after a rollout, and by the tests
from source. Everything happens in a temporary folder that is removed at the end: the person's
records, settings and print folder are never touched (the process points them elsewhere).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__, platform_paths
from .paths import fonts_dir, resources_dir
from .policy import machine_policy

PASSPHRASE = "self-test passphrase, thrown away"  # noqa: S105 (a temporary vault's)
HOUSEHOLD_NAME = "自己診断 世帯"
# The OpenSSL-based platforms: where truststore reads the system's CA files itself.
SYSTEM_CA_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/etc/ssl/ca-bundle.pem",
)


class StepFailed(Exception):
    pass


class SelfTest:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.vault_dir = work / "vault"
        self.household_id: str | None = None
        self.results: list[tuple[str, bool, str]] = []

    # -- the steps -------------------------------------------------------------------------

    def paths(self) -> str:
        data = platform_paths.user_data_dir()
        beside = platform_paths.executable_dir()
        if beside is not None and data.resolve().is_relative_to(beside):
            raise StepFailed(f"data folder {data} is inside the program's folder {beside}")
        policy = machine_policy()  # PolicyInvalid says what is wrong
        if policy.empty:
            rules = f"no machine policy ({platform_paths.policy_path()})"
        else:
            fixed = [
                f"server {policy.server_url}" if policy.server_url else "",
                f"CA {policy.ca_file}" if policy.ca_file else "",
                f"lock ≤ {policy.auto_lock_minutes} min" if policy.auto_lock_minutes else "",
            ]
            rules = f"policy {policy.source}: " + ", ".join(f for f in fixed if f)
        return f"data {data}; {rules}"

    def vault(self) -> str:
        from .vault import KdfParams, Vault

        start = time.perf_counter()
        # The floor of the key derivation (64 MiB, 3 passes): the real one is calibrated to
        # half a second on each laptop, which a check need not spend.
        Vault.create(self.vault_dir, PASSPHRASE, kdf=KdfParams()).close()
        Vault.open(self.vault_dir, PASSPHRASE).close()
        return f"created and reopened in {time.perf_counter() - start:.2f} s"

    def record(self) -> str:
        from .operations.records import create_record, get_record
        from .vault import Vault

        with Vault.open(self.vault_dir, PASSPHRASE) as vault:
            saved = create_record(
                vault, "household", {"name": HOUSEHOLD_NAME, "status": "active"}, area="honcho"
            )
            self.household_id = saved.record.id
        with Vault.open(self.vault_dir, PASSPHRASE) as vault:
            read = get_record(vault, self.household_id).fields.get("name")
        if read != HOUSEHOLD_NAME:
            raise StepFailed(f"wrote {HOUSEHOLD_NAME!r}, read {read!r}")
        clear = HOUSEHOLD_NAME.encode()
        files = [p for p in self.vault_dir.rglob("*") if p.is_file()]
        leaked = [p.name for p in files if clear in p.read_bytes()]
        if leaked:
            raise StepFailed(f"the name is in clear in {leaked}")
        return "written, read back, encrypted on disk"

    def pdf(self) -> str:
        from .operations.documents import household_document
        from .vault import Vault

        if self.household_id is None:
            raise StepFailed("no record to print (the record step failed)")
        font = fonts_dir() / "BIZUDPGothic-Regular.ttf"
        if not font.is_file():
            raise StepFailed(f"the bundled font is missing: {font}")
        with Vault.open(self.vault_dir, PASSPHRASE) as vault:
            pdf = household_document(vault, self.household_id, generated_by="self-test")
        if not pdf.startswith(b"%PDF-") or b"BIZUDPGothic" not in pdf:
            raise StepFailed("the face sheet is not a PDF with the bundled font embedded")
        return f"face sheet, {len(pdf) // 1024} KiB, BIZ UDPGothic embedded from {font.parent}"

    def window(self) -> str:
        from PySide6.QtCore import QSettings, qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        from .ui.app import create_application
        from .ui.background import wait_for_background
        from .ui.windows import MainWindow
        from .vault import Vault

        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(self.work / "settings")
        )
        # The offscreen platform says, for every window, what it cannot do on a screen.
        qInstallMessageHandler(_quiet_offscreen)
        app = create_application(["marugoto-desktop"])
        loaded = [t.language() for t in app.property("_marugoto_translators") or []]
        window = MainWindow(default_vault=self.vault_dir)
        window.show()
        QApplication.processEvents()
        if window.pages.currentWidget() is not window.unlock_page:
            raise StepFailed("the window did not open on the unlock page")
        window.open_vault(Vault.open(self.vault_dir, PASSPHRASE))
        QApplication.processEvents()
        workspace = window.workspace
        households = workspace.households.model.rowCount() if workspace is not None else -1
        window.close()
        wait_for_background(30_000)
        QApplication.processEvents()
        if households != 1:
            raise StepFailed(f"the household list shows {households} households, not 1")
        if window.session.vault is not None:
            raise StepFailed("closing the window left the vault open")
        if len(loaded) < 2:
            raise StepFailed(f"Qt's and the app's Japanese are not both loaded: {loaded}")
        platform = QApplication.platformName()
        window.deleteLater()
        return f"opened, unlocked, listed 1 household, locked and closed ({platform}; ja)"

    def text_services(self) -> str:
        """What Qt asks of ICU, which the Linux bundle carries trimmed to Japanese and English
        (installer/icu_data.py): each check fails if its data is missing, not just degraded."""
        from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone

        japanese = QLocale("ja_JP")
        # Japanese collation orders kanji by JIS (亜 is JIS X 0208's first kanji); the root
        # order, which ICU falls back to without the Japanese data, puts 一 (U+4E00) first.
        if QCollator(japanese).compare("亜", "一") >= 0:
            raise StepFailed("Japanese collation is missing (亜 does not sort before 一)")
        for codec in ("Shift_JIS", "EUC-JP"):
            if not QStringDecoder(codec).isValid():
                raise StepFailed(f"the {codec} codec is missing")
        name = QTimeZone(b"Asia/Tokyo").displayName(
            QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, japanese
        )
        if name != "日本標準時":
            raise StepFailed(f"the Japanese time zone name is {name!r}, not 日本標準時")
        return "Japanese collation, Shift_JIS and EUC-JP, 日本標準時"

    def trust_store(self) -> str:
        from marugoto_sync.client import ssl_context

        ca_file, cert_file, key_file = _test_certificates(self.work / "tls")
        with _LoopbackTLSServer(cert_file, key_file) as server:
            _handshake(ssl_context(ca_file), server.port)  # the city's CA added: trusted
            try:
                _handshake(ssl_context(), server.port)
            except ssl.SSLCertVerificationError:
                pass  # a certificate the system does not trust is refused
            else:
                raise StepFailed("a certificate of an unknown CA was accepted")
        if sys.platform in ("win32", "darwin"):
            where = "the system's certificate store"
        else:
            found = ssl.get_default_verify_paths()
            files = [f for f in (found.cafile, *SYSTEM_CA_FILES) if f and os.path.isfile(f)]
            if not files and not (found.capath and os.path.isdir(found.capath)):
                raise StepFailed("no system CA certificates found (install ca-certificates)")
            where = files[0] if files else str(found.capath)
        return f"truststore verifies with {where} plus a CA file; an unknown CA is refused"

    # -- running ---------------------------------------------------------------------------

    STEPS: tuple[tuple[str, str], ...] = (
        ("paths", "data folder and policy"),
        ("vault", "create a vault"),
        ("record", "write and read a record"),
        ("pdf", "PDF with the bundled font"),
        ("window", "main window (offscreen)"),
        ("text_services", "Qt text services"),
        ("trust_store", "system trust store"),
    )

    def run(self, out: Callable[[str], None]) -> bool:
        for name, title in self.STEPS:
            step: Callable[[], str] = getattr(self, name)
            start = time.perf_counter()
            try:
                detail, ok = step(), True
            except Exception as exc:  # every failure is a result to print, not a crash
                detail, ok = f"{type(exc).__name__}: {exc}", False
            took = time.perf_counter() - start
            self.results.append((name, ok, detail))
            out(f"{'ok  ' if ok else 'FAIL'} {title}: {detail} [{took:.2f} s]")
        return all(ok for _, ok, _ in self.results)


def isolate(work: Path) -> None:
    """Point this process's per-user folders into `work` (never the person's own)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    for name in ("XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "LOCALAPPDATA"):
        folder = work / name.lower()
        folder.mkdir(mode=0o700, exist_ok=True)
        os.environ[name] = str(folder)


def main(argv: Sequence[str] = ()) -> int:
    if argv:
        print("usage: marugoto-desktop --self-test", file=sys.stderr)
        return 2
    print(f"marugoto-desktop {__version__} self-test ({resources_dir().parent})", flush=True)
    work = Path(tempfile.mkdtemp(prefix="marugoto-self-test-"))
    try:
        isolate(work)
        passed = SelfTest(work).run(lambda line: print(line, flush=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("self-test passed" if passed else "self-test FAILED", flush=True)
    return 0 if passed else 1


def _quiet_offscreen(kind: Any, context: Any, message: str) -> None:
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


# -- a loopback TLS server with a certificate of a CA made for the occasion --------------------


def _test_certificates(folder: Path) -> tuple[Path, Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "marugoto self-test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class _LoopbackTLSServer:
    """Accepts connections on 127.0.0.1 and completes (or fails) each TLS handshake."""

    def __init__(self, cert_file: Path, key_file: Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_file, key_file)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.stopping = False

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            if self.stopping:
                conn.close()
                return
            with conn:
                try:
                    with self.context.wrap_socket(conn, server_side=True) as tls:
                        tls.recv(1)
                except (OSError, ssl.SSLError):
                    pass  # the client refused our certificate: that is the point

    def __enter__(self) -> _LoopbackTLSServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stopping = True
        with socket.create_connection(("127.0.0.1", self.port), timeout=10):
            pass  # wakes the accept() above, which then sees `stopping`
        self.thread.join(10)
        self.listener.close()


def _handshake(context: ssl.SSLContext, port: int) -> None:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
        context.wrap_socket(sock, server_hostname="localhost") as tls,
    ):
        tls.sendall(b"x")
