"""The command line's English, written from the codes and data lower layers return."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from marugoto_desktop.cli import (
    conflict_sides,
    describe_ambiguous_conflict,
    describe_export_blocked,
    describe_refused_choice,
    describe_sync_error,
    describe_value_not_understood,
    main,
)
from marugoto_desktop.domain.validation import FieldError
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.reports.export import ExportBlocked
from marugoto_sync.client import DeviceRetired, SyncError

from ..conftest import PASSPHRASE


def row(kind: str, **data: Any) -> syncing.ConflictRow:
    base: dict[str, Any] = {
        "conflict_id": "c", "record_id": "r", "record_type": "household", "record_label": "",
        "field": "status", "field_label": "状況", "kind": kind, "status": "open",
        "kept_value": "closed", "other_value": "watching", "kept_site": "a", "kept_hlc": 2,
        "other_site": "b", "other_hlc": 1, "record_deleted": False,
    }  # fmt: skip
    return syncing.ConflictRow(**{**base, **data})


@pytest.mark.parametrize(
    ("conflict", "sides"),
    [
        (row("concurrent_edit"), ("closed", "watching")),
        (row("concurrent_edit", kept_value=None, other_value=["a"]), ("(empty)", '["a"]')),
        (
            row("edit_of_deleted", record_deleted=True),
            ("(record deleted)", "restore the record (the edit: watching)"),
        ),
        (row("delete_restore", record_deleted=True), ("(record deleted)", "restore the record")),
        (row("delete_restore"), ("(record restored)", "delete the record")),
        (
            row(
                "parent_deleted", parent_type="household", parent_name="高松家", parent_deleted=True
            ),
            (
                "(its household is deleted: this record is deleted with it)",
                "restore the household 高松家",
            ),
        ),
        (
            row("parent_deleted", parent_type="household", parent_deleted=False),
            ("(its household was restored: this record stays as it is)", "(nothing else to do)"),
        ),
        (
            row("parent_deleted", parent_deleted=True),
            ("(its parent is deleted: this record is deleted with it)", "restore the parent"),
        ),
    ],
)
def test_conflict_sides(conflict: syncing.ConflictRow, sides: tuple[str, str]) -> None:
    assert conflict_sides(conflict) == sides


UNREACHABLE = {"server": "https://sync.example", "error": "boom"}


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (syncing.NotEnrolled(), "this vault is not enrolled with a server yet: run enroll first"),
        (
            syncing.AlreadyEnrolled({"device_id": "d1", "user": "aiko", "server": "https://s"}),
            "this vault is already enrolled as device d1 of aiko at https://s. To enroll it "
            "again as a new device, add --replace: that device is then retired and this "
            "vault's unsent work goes out with the new one",
        ),
        (
            SyncError("unreachable", **UNREACHABLE, reason="untrusted_certificate"),
            "cannot reach https://sync.example: boom. The server's certificate is not trusted; "
            "tried this computer's certificate store. If the office uses its own CA, pass its "
            "certificate with --ca-file (ca.pem)",
        ),
        (
            SyncError("unreachable", **UNREACHABLE, reason="plain_http"),
            "cannot reach https://sync.example: boom. The server may speak only HTTPS: try "
            "https:// in the address",
        ),
        (
            SyncError("unreachable", **UNREACHABLE, reason="network"),
            "cannot reach https://sync.example: boom. Work saved on this laptop is kept; sync "
            "again when the server is reachable",
        ),
        (
            SyncError("retire_blocked", unsent=3, pushed=0),
            "the office asked to retire this laptop, but 3 changes of areas no longer granted "
            "to you cannot be sent, so nothing was erased. Ask the office to grant those areas "
            "again and sync, or to revoke this laptop if that work may be lost",
        ),
        (
            SyncError("retire_blocked", unsent=1, pushed=0),
            "the office asked to retire this laptop, but 1 change of areas no longer granted "
            "to you cannot be sent, so nothing was erased. Ask the office to grant those areas "
            "again and sync, or to revoke this laptop if that work may be lost",
        ),
        (SyncError("bad_answer", error="no log"), "the server sent a malformed page: no log"),
        (SyncError("clock_skew", "the clock is ahead", 409), "the clock is ahead"),
        (SyncError("error", "", 502), "HTTP 502"),
    ],
)
def test_sync_errors(error: SyncError, text: str) -> None:
    assert describe_sync_error(error) == text


def test_the_networks_own_period_is_not_doubled() -> None:
    error = SyncError("unreachable", server="https://s", error="timed out.", reason="network")
    assert describe_sync_error(error).startswith("cannot reach https://s: timed out. Work saved")


def test_lower_layers_return_codes_not_sentences() -> None:
    error = SyncError("unreachable", **UNREACHABLE, reason="network")
    assert str(error) == "unreachable" and error.message == ""
    assert str(syncing.NotEnrolled()) == "not_enrolled"
    with pytest.raises(syncing.ValueNotUnderstood) as caught:
        syncing.parse_field_value("activity", "contacts", "たくさん")
    assert (caught.value.field, caught.value.expected) == ("contacts", "number")
    assert describe_value_not_understood(caught.value) == (
        "contacts: 'たくさん' is not a whole number"
    )
    with pytest.raises(syncing.ValueNotUnderstood) as caught:
        syncing.parse_field_value("person", "lives_with_household", "yes")
    assert describe_value_not_understood(caught.value) == (
        "lives_with_household: answer true or false, not 'yes'"
    )


def test_refused_choices() -> None:
    assert describe_refused_choice(
        syncing.ChoiceNotPossible("parent_deleted", "value", ("keep", "other"))
    ).startswith("a record added under a deleted parent goes with its parent (keep)")
    assert describe_refused_choice(
        syncing.ChoiceNotPossible("delete_of_edited", "value", ("keep", "other"))
    ).startswith("a conflict between a delete and an edit is settled by keeping")
    assert (
        describe_refused_choice(syncing.ChoiceNotPossible("concurrent_edit", "x", ()))
        == "unknown choice 'x'"
    )


def test_a_blocked_export_names_ten_problems_and_counts_the_rest() -> None:
    problems = [FieldError(f"r{i}", "person", "parent_id", "gone", "missing") for i in range(12)]
    text = describe_export_blocked(ExportBlocked(problems))
    assert text.startswith("nothing exported: 12 problems in records that would not import again")
    assert "person r9: parent_id: gone; and 2 more)." in text and "r10" not in text
    assert text.endswith("Settle the open conflicts (marugoto-desktop conflicts) or correct "
                         "these records, then export again")  # fmt: skip
    one = describe_export_blocked(ExportBlocked(problems[:1]))
    assert one.startswith("nothing exported: 1 problem in records that would not import again")
    two = describe_export_blocked(ExportBlocked(problems[:2]))
    assert two.startswith("nothing exported: 2 problems in records that would not import again")
    # With the vault at hand, the command is one a person can copy as it is.
    text = describe_export_blocked(ExportBlocked(problems), Path("/home/aiko/my vault"))
    assert "(marugoto-desktop conflicts --vault '/home/aiko/my vault')" in text


def test_an_ambiguous_start_of_a_conflict_id_lists_what_it_could_be() -> None:
    ids = [f"0aaa{i}000-0000-7000-8000-00000000000{i}" for i in range(7)]
    assert describe_ambiguous_conflict(syncing.ConflictIdAmbiguous("0aaa", ids)) == (
        f"7 open conflicts have ids that start with 0aaa ({', '.join(ids[:5])}, …): give more "
        "of the id"
    )


def test_sync_of_a_vault_not_enrolled_says_so(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MARUGOTO_PASSPHRASE", PASSPHRASE)
    folder = tmp_path / "vault"
    assert main(["init", "--vault", str(folder)]) == 0
    capsys.readouterr()
    assert main(["sync", "--vault", str(folder)]) == 1
    assert capsys.readouterr().err == (
        "marugoto-desktop: error: this vault is not enrolled with a server yet: run enroll first\n"
    )


def test_sync_of_a_retired_laptop_says_what_was_sent_and_that_it_is_erased(
    tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("MARUGOTO_PASSPHRASE", PASSPHRASE)
    folder = tmp_path / "vault"
    assert main(["init", "--vault", str(folder)]) == 0
    capsys.readouterr()

    def retired(*_args: Any, **_kwargs: Any) -> None:
        raise DeviceRetired("device_retired", pushed=4)

    monkeypatch.setattr(syncing, "sync", retired)
    assert main(["sync", "--vault", str(folder)]) == 0
    assert capsys.readouterr().out == (
        "the office retired this laptop: it sent what it had not sent (4 changes), its vault "
        "was erased and it no longer syncs. To work on this laptop again, create a new vault "
        "(init) and enroll it.\n"
    )
