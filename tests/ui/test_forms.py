"""The record form: what it shows depends on what the record is; hints never look like data."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from marugoto_desktop.domain.ids import uuid7_from
from marugoto_desktop.ui.forms import RecordForm


def rid(n: int) -> str:
    return uuid7_from(1_700_000_000_000 + n, bytes(10))


def test_the_head_count_is_asked_only_where_people_gather(qtbot):
    form = RecordForm("activity")
    qtbot.addWidget(form)
    contacts = form.editors["contacts"].parentWidget()
    form.set_values({"kind": "outreach.home_visit", "contacts": 3})
    assert not form.layout_.isRowVisible(contacts)
    assert form.values()["contacts"] is None  # nothing saved for a home visit
    for kind in ("outreach.gathering", "outreach.ibasho", "outreach.network_meeting"):
        form.editors["kind"].set_code(kind)  # as a person picks it
        assert form.layout_.isRowVisible(contacts), kind
    form.editors["contacts"].setText("12")
    assert form.values()["contacts"] == 12
    form.editors["kind"].set_code("consult.phone")
    assert not form.layout_.isRowVisible(contacts)


def test_no_hint_looks_like_a_value(qtbot):
    looks_like_data = re.compile(r"^[0-9０-９]+([-/:.][0-9０-９]+)*$")
    for record_type in ("activity", "household", "person", "issue", "referral", "meeting"):
        form = RecordForm(record_type)
        qtbot.addWidget(form)
        for name, editor in form.editors.items():
            if isinstance(editor, QLineEdit):
                hint = editor.placeholderText()
                assert not looks_like_data.match(hint), (record_type, name, hint)
    form = RecordForm("activity")
    qtbot.addWidget(form)
    assert form.editors["date"].placeholderText() == "年-月-日"
    assert form.editors["time"].placeholderText() == "例 14:30"


def test_a_required_list_left_untouched_is_not_a_value(qtbot):
    form = RecordForm("referral", choices=lambda spec: [("a1", "牟礼包括"), ("a2", "香川病院")])
    qtbot.addWidget(form)
    form.set_values({})
    values = form.values()
    assert (values["agency_id"], values["direction"], values["status"]) == ("", "", "")
    assert form.editors["agency_id"].currentText() == ""  # nothing shown as if chosen
    form.set_values({"agency_id": "a2", "direction": "out", "status": "open"})
    assert form.values()["agency_id"] == "a2"
    assert form.editors["direction"].currentText() == "つなぎ"


def test_a_meeting_keeps_the_households_this_laptop_does_not_hold(qtbot):
    """A city-wide meeting names households of areas this laptop never receives: the form
    shows them as not here and saves them, unless the person unticks one."""
    held, far = rid(1), rid(2)
    form = RecordForm("meeting", choices=lambda spec: [(held, "牟礼の世帯")])
    qtbot.addWidget(form)
    form.set_values({"date": "2025-06-10", "meeting_type": "regular", "household_ids": [held, far]})
    checklist = form.editors["household_ids"]
    assert checklist.count() == 2 and far in checklist.item(1).text()
    assert form.values()["household_ids"] == [held, far]
    form.refresh_choices()  # the households listed again (a save elsewhere, say)
    assert form.values()["household_ids"] == [held, far]
    checklist.item(1).setCheckState(Qt.CheckState.Unchecked)  # as a person unticks it
    assert form.values()["household_ids"] == [held]
    form.set_values({"date": "2025-06-11", "meeting_type": "regular", "household_ids": [held]})
    assert checklist.count() == 1  # another meeting's stay with it
