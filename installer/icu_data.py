"""A smaller ICU data library for the Linux bundle.

The Linux Qt wheels carry their own ICU, and ICU's data library (libicudata.so.NN, 31 MB) holds
the data of every locale, converter and service ICU has. Qt calls only a few of them
(libQt6Core imports ucol_*, ucnv_*, u_strToUpper/Lower and ucal_* time-zone names; Gui and
Widgets import no ICU at all): collation, codecs, case mapping and time-zone names. This
module rebuilds the data library with what a Japanese desktop app needs of those — collation
of root and Japanese, the time-zone and locale data of root, Japanese and English, the
Japanese and Windows-1252 codecs — and leaves out break iterators, transliterators, number
spelling, units, currencies, language and region names, and the other ~200 locales and 200
codecs. The self-test's "Qt text services" step checks in the frozen program that what is
kept works (Japanese collation order, a Shift_JIS codec, 日本標準時).

How: ICU's data library is a shared object exporting one symbol, icudtNN_dat, whose bytes are
an ICU "common data" package (a header, a table of contents sorted by name, the items). We
read that package, keep the items the rules below accept and write a new package the same
way ICU's own icupkg does, then let the C compiler wrap it into a shared object with the same
soname and symbol (`.incbin`). On Windows and macOS Qt uses the system's ICU: nothing to do.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_ALIGN = 16
_FILL = b"\xaa"  # what ICU's own tools pad with
# A locale item is named by its language (2–3 letters) and optional script/region/variant.
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")
# Locales whose data is kept: root (every lookup's last fallback), Japanese and English.
_KEPT_LOCALES = frozenset({"root", "ja", "ja_JP", "en", "en_US", "en_001"})
# Whole trees Qt never reaches: break iterators, language/region/currency/unit names, number
# spelling, transliteration.
_DROPPED_TREES = ("brkitr/", "lang/", "region/", "curr/", "unit/", "rbnf/", "translit/")
# Trees kept only for the kept locales (plus their index, pool and ICU's own data files).
_LOCALE_TREES = ("coll/", "zone/")
# Codecs: Shift_JIS (ibm-943), EUC-JP (ibm-33722, euc-jp-2007), Windows-1252 (ibm-5348).
# ISO-2022-JP, the UTFs and Latin-1 are algorithmic in ICU's code and need no table.
_KEPT_CODECS = re.compile(r"^(ibm-943_|ibm-33722_|euc-jp-|ibm-5348_)")


def keeps(item: str) -> bool:
    """Whether an item of the package (a name below the package's prefix) is kept."""
    if item.startswith(_DROPPED_TREES):
        return False
    tree, _, leaf = item.rpartition("/")
    if tree and f"{tree}/" in _LOCALE_TREES:
        return not _LOCALE.match(leaf) or leaf.removesuffix(".res") in _KEPT_LOCALES
    if tree:
        return True
    if leaf.endswith(".cnv"):
        return bool(_KEPT_CODECS.match(leaf))
    if leaf in ("res_index.res", "pool.res"):
        return True
    if _LOCALE.match(leaf):
        return leaf.removesuffix(".res") in _KEPT_LOCALES
    return True  # supplemental data, normalisation, aliases, property files


@dataclass(frozen=True)
class Package:
    """An ICU common-data package: its header bytes and its items by full name, in order."""

    header: bytes
    items: dict[str, bytes]


def read_package(blob: bytes) -> Package:
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    (count,) = struct.unpack_from("<I", blob, header_size)
    entries = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in entries[1:]] + [len(blob) - header_size]
    items = {}
    for (name_at, start), end in zip(entries, ends, strict=True):
        name_start = header_size + name_at
        name = blob[name_start : blob.index(b"\0", name_start)].decode("ascii")
        items[name] = blob[header_size + start : header_size + end]
    return Package(blob[:header_size], items)


def _pad(size: int) -> int:
    return -size % _ALIGN


def write_package(package: Package) -> bytes:
    """The package in ICU's layout: header, count, (name, data) offsets from the table's start,
    the names, then each item on a 16-byte boundary (items keep their own padding)."""
    names = sorted(package.items)  # ICU finds items by binary search over the names
    table = 4 + 8 * len(names)
    name_offsets, name_bytes = [], bytearray()
    for name in names:
        name_offsets.append(table + len(name_bytes))
        name_bytes += name.encode("ascii") + b"\0"
    items_at = table + len(name_bytes)
    items_at += _pad(len(package.header) + items_at)
    data_offsets, data = [], bytearray()
    for name in names:
        data_offsets.append(items_at + len(data))
        item = package.items[name]
        data += item + _FILL * _pad(len(item))
    out = bytearray(package.header)
    out += struct.pack("<I", len(names))
    for name_at, data_at in zip(name_offsets, data_offsets, strict=True):
        out += struct.pack("<II", name_at, data_at)
    out += name_bytes
    out += _FILL * (len(package.header) + items_at - len(out))
    out += data
    return bytes(out)


def _symbol_bytes(library: bytes, symbol: str) -> bytes:
    """The bytes of a defined dynamic symbol of a little-endian ELF64 shared object (the ICU
    data library exports exactly one: its package)."""
    if library[:4] != b"\x7fELF" or library[4] != 2 or library[5] != 1:
        raise ValueError("the ICU data library is not a little-endian ELF64 file")
    sections_at = struct.unpack_from("<Q", library, 0x28)[0]
    section_size, section_count = struct.unpack_from("<HH", library, 0x3A)
    headers = [sections_at + i * section_size for i in range(section_count)]
    for base in headers:
        if struct.unpack_from("<I", library, base + 4)[0] != 11:  # SHT_DYNSYM
            continue
        offset, size, strings_index, _, _, entry = struct.unpack_from(
            "<QQIIQQ", library, base + 0x18
        )
        strings_at = struct.unpack_from("<Q", library, headers[strings_index] + 0x18)[0]
        for sym in range(offset, offset + size, entry):
            name_at = strings_at + struct.unpack_from("<I", library, sym)[0]
            name = library[name_at : library.index(b"\0", name_at)].decode("ascii")
            value, length = struct.unpack_from("<QQ", library, sym + 8)
            if name == symbol and value:
                start = _file_offset(library, value)
                return library[start : start + length]
    raise ValueError(f"{symbol} is not defined in the ICU data library")


def _file_offset(library: bytes, address: int) -> int:
    program_at = struct.unpack_from("<Q", library, 0x20)[0]
    entry_size, count = struct.unpack_from("<HH", library, 0x36)
    for index in range(count):
        base = program_at + index * entry_size
        kind, _, offset, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", library, base)
        if kind == 1 and vaddr <= address < vaddr + filesz:  # PT_LOAD
            return address - vaddr + offset
    raise ValueError("the ICU data symbol lies outside the library's loaded segments")


def trimmed_library(
    original: Path, out_dir: Path, keep: Callable[[str], bool] = keeps
) -> tuple[Path, int, int]:
    """Write a smaller copy of `original` (libicudata.so.NN) into out_dir. Returns its path and
    the item counts (kept, of all)."""
    match = re.fullmatch(r"libicudata\.so\.(\d+)", original.name)
    if not match:
        raise ValueError(f"{original} is not an ICU data library (libicudata.so.NN)")
    version = match.group(1)
    package = read_package(_symbol_bytes(original.read_bytes(), f"icudt{version}_dat"))
    prefix = f"icudt{version}l/"
    kept = {
        name: item
        for name, item in package.items.items()
        if not name.startswith(prefix) or keep(name.removeprefix(prefix))
    }
    smaller = write_package(Package(package.header, kept))
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise SystemExit("a C compiler (cc) is needed to build the smaller ICU data library")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / original.name
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "icudata.bin"
        data.write_bytes(smaller)
        source = Path(work) / "icudata.S"
        symbol = f"icudt{version}_dat"
        source.write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            f"\t.balign {_ALIGN}\n"
            f"{symbol}:\n"
            f'\t.incbin "{data}"\n'
            f"\t.size {symbol}, .-{symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        subprocess.run(
            [
                compiler,
                "-shared",
                "-nostdlib",
                f"-Wl,-soname,{original.name}",
                "-o",
                str(out),
                str(source),
            ],
            check=True,
        )
    return out, len(kept), len(package.items)
