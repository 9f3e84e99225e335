"""Document and figure benchmarks (DESIGN §7): the visit summary PDF, the face sheet of a
household with 50 activities, and the annual figures over 200,000 activities, decrypting
included: from a fresh unlock, the figures open the vault's sealed summaries (~7,000
AES-GCM groups of ~30 records each, vault/summaries.py); the year before and the breakdowns
also decrypt every household body.

The fonts are registered once per process (about half a second: four 4.6 MB TrueType files);
that first document is printed apart, and the budgets are measured after it, as the desktop
app registers them in the background after unlock.
"""

from __future__ import annotations

import gc
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.domain.records import Record
from marugoto_desktop.domain.vocabularies import ACTIVITY_KINDS, AREAS, MEETING_TYPES
from marugoto_desktop.operations import documents
from marugoto_desktop.operations import figures as figure_ops
from marugoto_desktop.reports.figures import Period
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.rows import Stored

from .bench_vault import PASSPHRASE
from .common import median_seconds, report

ACTIVITIES = 200_000
HOUSEHOLDS = 20_000
FISCAL_YEAR = 2025
CONTENT = (
    "本人宅を訪問し、生活の様子と通院の状況を確認した。長男は自室におり会えなかったが、"
    "母親から最近の様子を聞き取った。来週、地域包括支援センターと同行訪問する予定。"
)


def _household(vault: Vault) -> tuple[str, str]:
    """A household with four members, issues, a consent, referrals and 50 activities."""
    agency = vault.new_record("agency", "mure", name="牟礼地域包括支援センター",
                              agency_type="chiiki_houkatsu")  # fmt: skip
    home = vault.new_record(
        "household", "mure", name="牟礼 一郎世帯", status="active", district="牟礼北",
        address="高松市牟礼町牟礼0000-01", phone="087-000-0001",
        household_type="parent_adult_child", housing="owned_house", public_assistance="none",
        first_known_on="2024-04-10", how_found="minsei", assigned_consultant="田中 さくら",
        note="民生委員からの相談で把握。",
    )  # fmt: skip
    people = [
        vault.new_record(
            "person",
            "mure",
            home.id,
            name=name,
            kana=kana,
            relationship=rel,
            birth_date=born,
            care_level=care,
        )
        for name, kana, rel, born, care in (
            ("牟礼 一郎", "むれ いちろう", "head", "1944-05-01", "care_2"),
            ("牟礼 花子", "むれ はなこ", "spouse", "1947-09-12", "support_1"),
            ("牟礼 健太", "むれ けんた", "child", "1975-02-20", "none"),
            ("牟礼 美咲", "むれ みさき", "grandchild", "2008-11-03", "none"),
        )
    ]
    for category, person, main in (
        ("eighty_fifty", people[2], True),
        ("elderly_care", people[0], False),
        ("hikikomori", people[2], False),
    ):
        vault.new_record("issue", "mure", home.id, category=category, person_id=person.id,
                         is_main=main, identified_on="2024-04-10", note=CONTENT[:60])  # fmt: skip
    vault.new_record(
        "consent", "mure", home.id, person_id=people[0].id, granted_on="2024-05-01",
        method="signature", agency_ids=[agency.id], purposes=["information_sharing", "records"],
    )  # fmt: skip
    for day in ("2024-05-10", "2024-09-01"):
        vault.new_record("referral", "mure", home.id, agency_id=agency.id, direction="out",
                         date=day, status="acknowledged", purpose="介護保険の申請支援",
                         follow_up_on="2024-10-01")  # fmt: skip
    first = date(2024, 4, 10)
    visit = ""
    for i in range(50):
        visit = vault.new_record(
            "activity", "mure", home.id, date=(first + timedelta(days=7 * i)).isoformat(),
            time="10:30", kind="consult.visit", place="自宅", content=CONTENT,
            participants="田中 さくら（相談員）、本人", next_action="次回も様子を確認する。",
            recorded_by="田中 さくら",
        ).id  # fmt: skip
    return home.id, visit


def bench_documents(folder: Path) -> None:
    with Vault.create(folder / "documents", PASSPHRASE, kdf=KdfParams()) as vault:
        household, visit = _household(vault)
        start = time.perf_counter()
        documents.activity_document(vault, visit, generated_by="bench")
        report("first document (fonts registered once per process)",
               (time.perf_counter() - start) * 1e3, "ms")  # fmt: skip
        seconds = median_seconds(
            lambda: documents.activity_document(vault, visit, generated_by="bench"), repeat=15
        )
        report("visit summary PDF (活動記録票)", seconds * 1e3, "ms", "<= 150 ms")
        seconds = median_seconds(
            lambda: documents.household_document(vault, household, generated_by="bench"), repeat=9
        )
        report("face sheet PDF, household with 50 activities", seconds * 1e3, "ms", "<= 300 ms")
        seconds = median_seconds(
            lambda: documents.household_document(
                vault, household, generated_by="bench", password="bench password"
            ),
            repeat=5,
        )
        report("  the same, password-protected (AES-256)", seconds * 1e3, "ms")


def _fill(vault: Vault, rng: random.Random) -> None:
    """200,000 activities over two fiscal years, with households, meetings and referrals.

    Stored as a sync would store what the office sent (sealed rows and their summaries, no
    outbox), which takes seconds where 200,000 validated local writes would take minutes; the
    read is the same.
    """
    areas = AREAS.codes
    start = date(FISCAL_YEAR - 1, 4, 1)
    stamp = 1 << 40
    rows: list[Stored] = []

    def add(record: Record) -> None:
        nonlocal stamp
        stamp += 1
        rows.append(Stored(record, {name: [stamp, vault.site] for name in record.fields}))

    homes = []
    for i in range(HOUSEHOLDS):
        area = areas[i % len(areas)]
        known = (start + timedelta(days=rng.randrange(730))).isoformat()
        fields = {"name": f"ベンチ{i}世帯", "status": "active", "how_found": "minsei",
                  "first_known_on": known}  # fmt: skip
        home = Record(new_id(), "household", area, None, fields)
        homes.append(home)
        add(home)
    kinds = ACTIVITY_KINDS.codes
    for _ in range(ACTIVITIES):
        home = rng.choice(homes)
        fields = {
            "date": (start + timedelta(days=rng.randrange(730))).isoformat(),
            "time": "10:30",
            "kind": rng.choice(kinds),
            "place": "自宅",
            "participants": "田中 さくら（相談員）、本人",
            "content": CONTENT,
            "recorded_by": "田中 さくら",
        }
        add(Record(new_id(), "activity", home.area, home.id, fields))
    for _ in range(2_000):
        day = (start + timedelta(days=rng.randrange(730))).isoformat()
        area = rng.choice([*areas, None])
        add(Record(new_id(), "meeting", area, None, {
            "date": day, "meeting_type": rng.choice(MEETING_TYPES.codes),
            "attendee_agency_ids": [f"agency-{rng.randrange(90)}"]}))  # fmt: skip
    for _ in range(5_000):
        home = rng.choice(homes)
        day = (start + timedelta(days=rng.randrange(730))).isoformat()
        add(Record(new_id(), "referral", home.area, home.id, {
            "agency_id": f"agency-{rng.randrange(90)}", "date": day, "status": "open",
            "direction": rng.choice(["in", "out", "joint"])}))  # fmt: skip
    with vault.transaction() as tx:
        tx.rows.put_many(rows)
    rows.clear()


def bench_figures(folder: Path) -> None:
    with Vault.create(folder / "figures", PASSPHRASE, kdf=KdfParams()) as vault:
        start = time.perf_counter()
        gc.disable()  # records made and kept: the collector would walk them again and again
        try:
            _fill(vault, random.Random(1))
        finally:
            gc.enable()
        report(f"fill a vault with {ACTIVITIES:,} activities (sealed rows)",
               time.perf_counter() - start, "s")  # fmt: skip
    annual: list[float] = []
    whole: list[float] = []
    for _ in range(5):
        # A fresh unlock each time: nothing decrypted yet.
        with Vault.open(folder / "figures", PASSPHRASE) as vault:
            start = time.perf_counter()
            found = figure_ops.annual_figures(vault, FISCAL_YEAR)
            annual.append(time.perf_counter() - start)
            start = time.perf_counter()
            figure_ops.report(vault, Period.of_fiscal_year(FISCAL_YEAR))
            whole.append(time.perf_counter() - start)
    counted = found.totals.outreach + found.totals.consultation_contacts
    report(f"annual figures, {ACTIVITIES:,} activities ({counted:,} in the year)",
           statistics.median(annual), "s", "<= 1 s")  # fmt: skip
    report("  with the year before and the breakdowns (PDF, CSV, screen)",
           statistics.median(whole), "s")  # fmt: skip
    with Vault.open(folder / "figures", PASSPHRASE) as vault:
        start = time.perf_counter()
        vault.field_rows("activity", ("date", "kind"))
        report("  of which reading date and kind of every activity",
               time.perf_counter() - start, "s")  # fmt: skip
        start = time.perf_counter()
        vault.records("activity")
        report("  for comparison: decrypting every activity whole",
               time.perf_counter() - start, "s")  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="marugoto-bench-") as tmp:
        folder = Path(tmp)
        bench_documents(folder)
        bench_figures(folder)
