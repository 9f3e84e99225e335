"""What a laptop's requests cost the server: each push and each pull is one transaction on
one pooled connection (bench/bench_load.py measures the CPU that comes of it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from .support import Api, assert_error, change, new_id


@contextmanager
def checkouts(api: Api) -> Iterator[list[object]]:
    """The pooled connections taken while the block runs, one entry per checkout."""
    taken: list[object] = []

    def noted(_dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        taken.append(_record)

    event.listen(api.storage.engine, "checkout", noted)
    try:
        yield taken
    finally:
        event.remove(api.storage.engine, "checkout", noted)


def test_a_push_and_a_pull_take_one_connection_each(api: Api) -> None:
    laptop = api.user_with_device("aiko", ["mure"])
    household = new_id()
    laptop.push(change(household, "name", "山田", api.clock.stamp(-1000)))  # seen: noted
    with checkouts(api) as taken:
        laptop.push(change(household, "phone", "087-0000", api.clock.stamp(-500)))
    assert len(taken) == 1  # who pushes is read in the push's transaction
    with checkouts(api) as taken:
        assert [e["field"] for e in laptop.pull()] == ["name", "phone"]
    # Who pulls, the page, the head and the authors: one snapshot. The first pull after a
    # push also notes that a run of pulls began (storage.devices.pulls_begin): a write.
    assert len(taken) == 2
    laptop.push(change(household, "phone", "087-0001", api.clock.stamp(-400)))
    laptop.pull()
    with checkouts(api) as taken:
        assert [e["field"] for e in laptop.pull()] == []
    assert len(taken) == 1


def test_a_device_revoked_between_two_pulls_gets_nothing_from_the_second(api: Api) -> None:
    laptop = api.user_with_device("aiko", ["mure"])
    laptop.push(change(new_id(), "name", "山田", api.clock.stamp(-1000)))
    assert len(laptop.pull()) == 1
    api.storage.revoke_device(laptop.device_id, api.clock.now())
    assert_error(laptop.get("/v1/changes", after=0), 401, "device_revoked")
    assert_error(
        laptop.post("/v1/push", {"changes": [change(new_id(), "name", "x", api.clock.stamp())]}),
        401,
        "device_revoked",
    )
    assert len(api.log()) == 1
