"""`marugoto-sync transfer list`: the households moved to another area, as the office looks
them up (who moved which household where, when), filtered, as a table or CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest

from marugoto_sync.changes import AREA, PARENT
from marugoto_sync.server.cli import main

from .support import Api, Device, change, new_id

DAY_S = 86_400


def _household(api: Api, device: Device, area: str, members: int = 0) -> str:
    household, t = new_id(), api.clock.stamp(-60_000)
    device.push(change(household, "name", "転居する世帯", t, area=area))
    for n in range(members):
        member = new_id()
        device.push(
            change(member, PARENT, household, t + 1 + n, area=area, record_type="person"),
        )
    return household


def _transfer(api: Api, device: Device, household: str, from_area: str, to_area: str) -> None:
    answer = device.push(change(household, AREA, to_area, api.clock.stamp(), area=from_area))
    assert len(answer["acknowledged"]) == 1


def _run(capsys: pytest.CaptureFixture[str], api: Api, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(["transfer", "list", *args, "--database", api.database_url])
    out, err = capsys.readouterr()
    return status, out, err


def _local_day(api: Api) -> date:
    return datetime.fromtimestamp(api.clock.t).date()


def test_transfer_list_names_who_moved_which_household_where_and_when(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    ken = api.user_with_device("ken", ["kagawa", "shoga"])
    moving = _household(api, aiko, "mure", members=2)
    other = _household(api, aiko, "mure")
    first_day = _local_day(api)
    _transfer(api, aiko, moving, "mure", "kagawa")
    api.clock.advance(3 * DAY_S)
    _transfer(api, ken, moving, "kagawa", "shoga")
    _transfer(api, aiko, other, "mure", "honcho")
    last_day = _local_day(api)

    status, out, err = _run(capsys, api)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["TIME", "HOUSEHOLD", "FROM", "→", "TO", "MOVED", "USER", "DEVICE"]
    rows = [line.split() for line in lines[1:-1]]
    # Oldest first: the time in this computer's zone, the household, the areas, how many
    # records moved (the household with its members), who sent it from which laptop.
    assert [(r[0], r[2], r[3:6], r[6:8], r[8], r[9]) for r in rows] == [
        (str(first_day), moving, ["mure", "→", "kagawa"], ["3", "records"], "aiko",
         aiko.device_id[:8]),
        (str(last_day), moving, ["kagawa", "→", "shoga"], ["3", "records"], "ken",
         ken.device_id[:8]),
        (str(last_day), other, ["mure", "→", "honcho"], ["1", "record"], "aiko",
         aiko.device_id[:8]),
    ]  # fmt: skip
    assert lines[-1] == "3 transfers."

    def listed(*args: str) -> list[dict[str, str]]:
        status, out, err = _run(capsys, api, "--format", "csv", *args)
        assert (status, err) == (0, "")
        assert out.startswith("\ufeff")  # for Excel
        return list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))

    [one] = listed("--household", other)
    assert one == {
        "at": one["at"],
        "household": other,
        "from_area": "mure",
        "to_area": "honcho",
        "records": "1",
        "user": "aiko",
        "device_id": aiko.device_id,
        "device_name": "laptop",
    }
    assert datetime.fromisoformat(one["at"]) == api.clock.now().replace(microsecond=0)
    # An area: the transfers out of it and into it.
    assert [(r["from_area"], r["to_area"]) for r in listed("--area", "kagawa")] == [
        ("mure", "kagawa"),
        ("kagawa", "shoga"),
    ]
    assert listed("--area", "yamada") == []
    # Days, inclusive, in this computer's time zone.
    assert [r["to_area"] for r in listed("--to", str(first_day))] == ["kagawa"]
    assert [r["to_area"] for r in listed("--from", str(first_day + timedelta(days=1)))] == [
        "shoga",
        "honcho",
    ]
    assert len(listed("--from", str(first_day), "--to", str(last_day))) == 3

    status, out, err = _run(capsys, api, "--household", other, "--from", str(last_day))
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == "1 transfer."
    status, out, err = _run(capsys, api, "--household", new_id())
    assert (status, out, err) == (0, "No transfers match.\n", "")
    status, out, err = _run(capsys, api, "--from", str(last_day), "--to", str(first_day))
    assert (status, out) == (1, "") and "--to is before --from" in err
    status, out, err = _run(capsys, api, "--from", "2025-13-01")
    assert status == 1 and "--from 2025-13-01: give a date as YYYY-MM-DD" in err
    with pytest.raises(SystemExit):
        main(["transfer", "list", "--area", "nowhere", "--database", api.database_url])
