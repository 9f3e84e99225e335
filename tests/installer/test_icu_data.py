"""The Linux bundle's smaller ICU data library (installer/icu_data.py): the package format is
read and written as ICU writes it, the rules keep what Qt asks for, and the library built from
them serves the self-test's Qt text services — and fails it when Japanese data is left out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

INSTALLER = Path(__file__).resolve().parents[2] / "installer"
sys.path.insert(0, str(INSTALLER))

import bundle_rules  # noqa: E402
import icu_data  # noqa: E402

linux_wheel = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="only the Linux Qt wheels carry their own ICU"
)


def _wheel_icu_data() -> Path:
    import PySide6

    found = sorted(Path(PySide6.__file__).parent.glob("Qt/lib/libicudata.so.*"))
    assert found, "the PySide6 wheel carries no ICU data library"
    return found[0]


@linux_wheel
def test_a_package_read_and_written_again_is_the_same_bytes() -> None:
    library = _wheel_icu_data()
    version = library.name.rsplit(".", 1)[1]
    blob = icu_data._symbol_bytes(library.read_bytes(), f"icudt{version}_dat")
    package = icu_data.read_package(blob)
    assert len(package.items) > 3000
    assert icu_data.write_package(package) == blob


@pytest.mark.parametrize(
    ("item", "kept"),
    [
        ("coll/ja.res", True),
        ("coll/root.res", True),
        ("coll/ucadata.icu", True),
        ("coll/de.res", False),
        ("coll/de__PHONEBOOK.res", False),
        ("zone/ja.res", True),
        ("zone/tzdbNames.res", True),
        ("zone/fr.res", False),
        ("ja.res", True),
        ("root.res", True),
        ("fr_CA.res", False),
        ("res_index.res", True),
        ("pool.res", True),
        ("zoneinfo64.res", True),
        ("supplementalData.res", True),
        ("cnvalias.icu", True),
        ("ibm-943_P15A-2003.cnv", True),
        ("ibm-33722_P12A_P12A-2009_U2.cnv", True),
        ("ibm-5348_P100-1997.cnv", True),
        ("ibm-1047_P100-1995.cnv", False),
        ("gb18030.cnv", False),
        ("brkitr/cjdict.dict", False),
        ("lang/ja.res", False),
        ("curr/ja.res", False),
        ("translit/root.res", False),
    ],
)
def test_the_rules_keep_what_qt_asks_of_icu_for_japanese(item: str, kept: bool) -> None:
    assert icu_data.keeps(item) is kept


def _text_services(preload: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "from pathlib import Path\n"
        "from marugoto_desktop.selftest import SelfTest\n"
        "print(SelfTest(Path('.')).text_services())\n"
    )
    env = {**os.environ, "LD_PRELOAD": str(preload), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


@linux_wheel
@pytest.mark.skipif(shutil.which("cc") is None, reason="building the library needs a C compiler")
def test_the_smaller_library_serves_qt_and_leaving_japanese_out_is_caught(
    tmp_path: Path,
) -> None:
    original = _wheel_icu_data()
    smaller, kept, total = icu_data.trimmed_library(original, tmp_path / "kept")
    assert kept < total / 20
    assert smaller.stat().st_size < original.stat().st_size / 5
    served = _text_services(smaller)
    assert served.returncode == 0, served.stderr
    assert "日本標準時" in served.stdout

    without_ja = tmp_path / "without-ja"
    missing, _, _ = icu_data.trimmed_library(
        original, without_ja, keep=lambda item: icu_data.keeps(item) and item != "coll/ja.res"
    )
    failed = _text_services(missing)
    assert failed.returncode != 0
    assert "Japanese collation is missing" in failed.stderr


@pytest.mark.parametrize(
    ("dest", "src", "left_to_system"),
    [
        ("libX11.so.6", "/usr/lib/x86_64-linux-gnu/libX11.so.6", True),
        ("libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", True),
        ("libxcb-icccm.so.4", "/usr/lib/x86_64-linux-gnu/libxcb-icccm.so.4", True),
        ("libdbus-1.so.3", "/lib/x86_64-linux-gnu/libdbus-1.so.3", True),
        # a wheel's own vendored copy stays
        ("pillow.libs/libxcb-9065bb12.so.1.1.0", "/venv/site-packages/pillow.libs/x.so", False),
        # what Python's own modules link is carried
        ("libcrypto.so.3", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", False),
        ("libsqlite3.so.0", "/usr/lib/x86_64-linux-gnu/libsqlite3.so.0", False),
        ("libpython3.11.so.1.0", "/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0", False),
    ],
)
def test_which_system_libraries_the_linux_bundle_leaves_out(
    dest: str, src: str, left_to_system: bool
) -> None:
    assert bundle_rules.taken_from_system(dest, src) is left_to_system
