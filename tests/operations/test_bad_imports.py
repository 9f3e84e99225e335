"""Bad input campaign (issue 13): import files that Hypothesis bends — wrong types, missing
and unknown keys, huge strings, deep nesting, NaN, lone surrogates, ids of other areas and of
records that do not exist, broken JSON, stray lines — either import or fail with
ImportFailed, whose message is one line, and a failed import changes nothing. The command
line says it in one line too, for bytes that are not even text."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marugoto_desktop import cli
from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.operations.exchange import ImportFailed, export_lines_to, import_records
from marugoto_desktop.operations.records import create_record
from marugoto_desktop.vault import Vault

from ..conftest import PASSPHRASE

AREAS = ["mure", "honcho", "yamada", "nowhere", ""]
odd_text = st.one_of(
    st.text(max_size=30),
    st.just("x" * 100_000),
    st.sampled_from(["active", "closed", "head", "household", "person", "2026-02-30", "1"]),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), odd_text)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def record_line(draw: st.DrawFn, parents: list[str]) -> str:
    kind = draw(st.sampled_from(["household", "person", "activity", "issue", "agency"]))
    line: dict[str, Any] = {"type": kind, "id": new_id(), "area": "mure"}
    if kind == "household":
        line |= {"name": "世帯 " + draw(st.text(max_size=8)), "status": "active"}
    elif kind == "agency":
        line |= {"name": "機関 " + draw(st.text(max_size=8)), "category": "other"}
    else:
        line |= {"parent_id": draw(st.sampled_from([*parents, new_id(), "x"]))}
        line |= {"name": "人"} if kind == "person" else {"date": "2026-11-30"}
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["set", "drop", "add", "deep", "area"]))
        key = draw(st.sampled_from([*line, "parent_id", "person_id", "agency_id", "kind"]))
        if how == "set":
            line[key] = draw(values)
        elif how == "drop":
            line.pop(key, None)
        elif how == "add":
            line[draw(st.text(max_size=8))] = draw(values)
        elif how == "deep":
            value: Any = "deep"
            for _ in range(draw(st.integers(20, 400))):
                value = [value]
            line[key] = value
        else:
            line["area"] = draw(st.sampled_from(AREAS))
    text = json.dumps(line, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text


def stray_line() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            ["", "   ", "{", "[]", "null", '{"type": NaN}', '{"type":"household","name":"\\ud800"}',
             '{"type":"household"} trailing', "\ufeff{}", '{"a":1,"a":2}']
        ),
        st.text(max_size=40),
    )  # fmt: skip


def export(vault: Vault) -> str:
    out = io.StringIO()
    export_lines_to(vault, out)
    return out.getvalue()


def test_bent_import_files_import_or_change_nothing(vault: Vault) -> None:
    parents = [
        create_record(
            vault, "household", {"name": "既存 世帯", "status": "active"}, area=a
        ).record.id
        for a in ("mure", "yamada")
    ]

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        lines=st.lists(st.one_of(record_line(parents), stray_line()), min_size=1, max_size=6),
        newline=st.sampled_from(["\n", "\r\n"]),
    )
    def check(lines: list[str], newline: str) -> None:
        before = export(vault)
        failure = None
        try:
            import_records(vault, io.StringIO(newline.join(lines)))
        except ImportFailed as exc:  # anything else fails the test
            failure = str(exc)
        if failure is not None:
            assert "\n" not in failure and failure.startswith("nothing imported: ")
            assert export(vault) == before, "a failed import changed the vault"

    check()


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00h\x00i", b'{"type":"household","name":"\xe3\x81"}\n', b"\x00" * 100],
)
def test_bytes_that_are_not_text_get_one_line_and_change_nothing(
    vault_dir: Path,
    tmp_path: Path,
    content: bytes,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from marugoto_desktop.vault import KdfParams

    Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams()).close()
    source = tmp_path / "bad.jsonl"
    source.write_bytes(content)
    monkeypatch.setenv("MARUGOTO_PASSPHRASE", PASSPHRASE)
    assert cli.main(["import", "--vault", str(vault_dir), str(source)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("marugoto-desktop: error: "), err
    assert "Traceback" not in err
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        assert vault.count() == 0
