"""A change may not take the id of a conflict (found by test_openapi_stateful.py's pushes).

The server names a conflict by the change that raised it (a version-5 UUID, the same on
every replica), in the log's one column of ids. A change sent under such an id used to
meet the conflict at the log's unique index: the push failed with a 500, and every retry
of it did, so the sending device could never sync again. Such a change is now refused as a
bad request before anything is written, and the conflict keeps its name.
"""

from __future__ import annotations

import pytest

from marugoto_sync.merge import conflict_id_for

from .support import Api, Device, assert_error, change, entries, new_id


@pytest.fixture
def aiko(api: Api) -> Device:
    return api.user_with_device("aiko", ["mure"])


def edit_meeting_another(api: Api, aiko: Device) -> dict[str, object]:
    """An edit of a field that another edit (unseen by it) holds: it raises a conflict."""
    household = new_id()
    aiko.push(change(household, "status", "active", api.clock.stamp(-5000)))
    return change(household, "status", "closed", api.clock.stamp(-4000), base_hlc=0)


def test_a_change_under_the_id_of_the_conflict_its_push_raises_is_refused(
    api: Api, aiko: Device
) -> None:
    edit = edit_meeting_another(api, aiko)
    taken = conflict_id_for(str(edit["change_id"]), "concurrent_edit")
    squatter = change(new_id(), "note", "x", api.clock.stamp(-3000), change_id=taken)
    head = api.head()

    body = assert_error(aiko.post("/v1/push", {"changes": [edit, squatter]}), 400, "bad_request")
    assert body["message"].startswith(f"changes[1] (change {taken})"), body
    assert "\n" not in body["message"]
    assert api.head() == head  # nothing of it was saved

    assert aiko.push(edit) == {"acknowledged": [edit["change_id"]], "conflicts": 1}
    assert [e["change_id"] for e in entries(aiko.get("/v1/changes", after=head).json())] == [
        edit["change_id"],
        taken,
    ]


def test_a_change_under_a_conflicts_id_cannot_block_a_later_push(api: Api, aiko: Device) -> None:
    edit = edit_meeting_another(api, aiko)
    taken = conflict_id_for(str(edit["change_id"]), "concurrent_edit")
    squatter = change(new_id(), "note", "x", api.clock.stamp(-3000), change_id=taken)
    assert_error(aiko.post("/v1/push", {"changes": [squatter]}), 400, "bad_request")

    assert aiko.push(edit)["conflicts"] == 1
    assert taken in [e["change_id"] for e in api.log() if e["kind"] == "conflict"]
