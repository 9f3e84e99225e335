"""The server restored from a backup holds the laptops' audit trails as the backup had them:
each laptop sends again what the server lost, from where the server is, and every chain
still verifies (SQLite and PostgreSQL, a real backup and restore of the database)."""

from __future__ import annotations

from pathlib import Path

from marugoto_sync.server.storage import Storage

from .test_server_restore import Laptop, Office

# The fixture, a server database that can be backed up and restored (an explicit re-export).
from .test_server_restore import office as office


def test_after_a_restore_a_laptop_sends_its_trail_again_from_where_the_server_is(
    office: Office, tmp_path: Path
) -> None:
    with office.running() as http:
        aiko = Laptop(tmp_path / "aiko", "aiko", http)
        aiko.vault.new_record("household", "mure", name="牟礼家", status="active")
        aiko.sync(http)
        device = http.app.state.server.storage.devices()[0].id
        held_at_backup = http.app.state.server.storage.audit_head(device)[0]
    office.back_up()
    with office.running() as http:
        for n in range(3):
            aiko.vault.new_record("household", "mure", name=f"世帯{n}", status="active")
        aiko.sync(http)
        assert http.app.state.server.storage.audit_head(device)[0] > held_at_backup
    office.restore()

    with office.running() as http:
        storage = http.app.state.server.storage
        assert storage.audit_head(device)[0] == held_at_backup
        report = aiko.sync(http)
        assert report.audit_refused is None
        local = [e.as_json() for e in aiko.vault.audit_entries()]
        assert report.audit_sent == len(local) - held_at_backup
        assert storage.audit_head(device)[0] == len(local)
    storage = Storage.open(office.url)
    try:
        audit = storage.device_audits()[device]
        assert (audit.status, audit.check.entries) == ("verified", len(local))
        # The restore is the administrators' chain's latest entry, and it verifies.
        assert storage.admin_actions()[-1].action == "restore"
        assert storage.verify_admin_chain().holds
    finally:
        storage.close()
