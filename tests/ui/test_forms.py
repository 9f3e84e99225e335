"""The record form: what it shows depends on what the record is; hints never look like data."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLineEdit

from marugoto_desktop.ui.forms import RecordForm


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
