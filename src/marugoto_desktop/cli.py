"""marugoto-desktop on the command line: a thin face over operations/.

Exit code 0 on success; on any error one clear line on stderr, a non-zero code, and nothing
changed. Passphrases come from --passphrase-file, MARUGOTO_PASSPHRASE, or a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .domain.validation import RecordInvalid
from .operations import demo, exchange, vaults
from .vault import Vault, VaultError

PASSPHRASE_ENV = "MARUGOTO_PASSPHRASE"  # noqa: S105 (a variable name, not a secret)
NEW_PASSPHRASE_ENV = "MARUGOTO_NEW_PASSPHRASE"  # noqa: S105


class UsageError(Exception):
    pass


def _read_secret_file(path: str) -> str:
    text = Path(path).read_text(encoding="utf-8")
    # Only the line ending an editor adds is dropped; other spaces are part of the secret.
    return text.removesuffix("\n").removesuffix("\r")


def _prompt(label: str) -> str:
    if not sys.stdin.isatty():
        raise UsageError(f"no passphrase given: use --passphrase-file FILE or set {PASSPHRASE_ENV}")
    return getpass.getpass(label)


def passphrase(args: argparse.Namespace) -> str:
    """The passphrase of an existing vault."""
    if args.passphrase_file:
        return _read_secret_file(args.passphrase_file)
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return _prompt("Passphrase: ")


def new_passphrase(
    args: argparse.Namespace, file_attr: str = "new_passphrase_file", env: str = NEW_PASSPHRASE_ENV
) -> str:
    """A passphrase being set: from a file, the environment, or typed twice."""
    path = getattr(args, file_attr, None)
    if path:
        return _read_secret_file(path)
    if os.environ.get(env):
        return os.environ[env]
    first = _prompt("New passphrase: ")
    if _prompt("Repeat the new passphrase: ") != first:
        raise UsageError("the two passphrases differ")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    secret = new_passphrase(args, "passphrase_file", PASSPHRASE_ENV)
    vault = vaults.init_vault(args.vault, secret, recovery_public_key=args.recovery_public_key)
    recovery = vault.has_recovery_slot()
    vault.close()
    print(f"created an encrypted vault in {args.vault}")
    if not recovery:
        print(
            "warning: no office recovery key was given (--recovery-public-key); "
            "if the passphrase is forgotten, the records cannot be recovered",
            file=sys.stderr,
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with Vault.open(args.vault, passphrase(args)) as vault:
        result = exchange.import_file(vault, args.file)
    print(
        f"imported {result.total} records: {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with Vault.open(args.vault, passphrase(args)) as vault:
        if args.out:
            count = exchange.export_to(vault, args.out)
            print(f"exported {count} records to {args.out}", file=sys.stderr)
        else:
            exchange.export_lines_to(vault, sys.stdout)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if Vault.exists(args.vault):
        vault = Vault.open(args.vault, passphrase(args))
    else:
        vault = vaults.init_vault(
            args.vault, new_passphrase(args, "passphrase_file", PASSPHRASE_ENV)
        )
    with vault:

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                print(f"\r{done}/{total} records", end="", file=sys.stderr, flush=True)

        counts = demo.write_demo(vault, args.households, args.seed, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    summary = ", ".join(f"{n} {t}" for t, n in counts.items())
    print(f"wrote demo data (seed {args.seed}): {summary}")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    old = passphrase(args)
    Vault.open(args.vault, old).close()  # a wrong old passphrase fails before any prompt
    vaults.change_passphrase(args.vault, old, new_passphrase(args))
    print("passphrase changed")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    vaults.recover(args.vault, args.recovery_key, new_passphrase(args))
    print("vault recovered with the office key; it now opens with the new passphrase")
    return 0


def cmd_recovery_key(args: argparse.Namespace) -> int:
    files = vaults.create_office_key(args.out)
    print(f"wrote {files.private} (keep it offline, at the office)")
    print(f"wrote {files.public} (give it to every laptop: init --recovery-public-key)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marugoto-desktop",
        description="Encrypted case records for まるごと福祉相談員 (Takamatsu City).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    def vault_args(p: argparse.ArgumentParser, *, required: bool = True) -> None:
        p.add_argument("--vault", type=Path, required=required, metavar="DIR")
        p.add_argument(
            "--passphrase-file", metavar="FILE", help=f"else ${PASSPHRASE_ENV}, else a prompt"
        )

    p = command("init", cmd_init, "create a new encrypted vault")
    vault_args(p)
    p.add_argument("--recovery-public-key", type=Path, metavar="FILE")

    p = command("import", cmd_import, "import records from a JSON Lines file (all or nothing)")
    vault_args(p)
    p.add_argument("file", type=Path, metavar="FILE")

    p = command("export", cmd_export, "export every record as JSON Lines")
    vault_args(p)
    p.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")

    p = command("demo", cmd_demo, "fill a vault (new or existing) with fictional demo records")
    vault_args(p)
    p.add_argument("--households", type=int, default=200, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")

    p = command("passwd", cmd_passwd, "change the passphrase of a vault")
    vault_args(p)
    p.add_argument("--new-passphrase-file", metavar="FILE", help=f"else ${NEW_PASSPHRASE_ENV}")

    p = command("recover", cmd_recover, "reopen a vault with the office recovery key")
    p.add_argument("--vault", type=Path, required=True, metavar="DIR")
    p.add_argument("--recovery-key", type=Path, required=True, metavar="FILE")
    p.add_argument("--new-passphrase-file", metavar="FILE", help=f"else ${NEW_PASSPHRASE_ENV}")

    p = command("recovery-key", cmd_recovery_key, "create the office recovery key pair")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "households", 1) < 1:
        parser.error("--households must be at least 1")
    try:
        return int(args.handler(args))
    except (VaultError, RecordInvalid, exchange.ImportFailed, vaults.WeakPassphrase) as exc:
        print(f"marugoto-desktop: error: {exc}", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"marugoto-desktop: error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"marugoto-desktop: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("marugoto-desktop: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
