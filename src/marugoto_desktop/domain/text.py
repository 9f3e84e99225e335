"""Text as search compares it: the same whether typed in full or half width, hiragana or katakana.

A consultant types 「ヤマダ」, 「やまだ」 or 「ﾔﾏﾀﾞ」 for the same family, 「０８７」 or 「087」 for
the same number, with or without the spaces and hyphens a record happens to hold.
"""

from __future__ import annotations

import re
import unicodedata

# Katakana that have a hiragana twin sit 0x60 above it: ァ..ヶ and the iteration marks ヽヾ.
_KATAKANA = re.compile("[\u30a1-\u30f6\u30fd\u30fe]")
_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_TO_HIRAGANA.update({0x30FD: 0x309D, 0x30FE: 0x309E})
# Hyphen-like dashes (after NFKC) never decide a match, nor do spaces; the long-vowel mark ー
# does. (str methods, not a regular expression: folding runs for every record after unlock.)
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


def fold(text: str) -> str:
    """`text` for matching: NFKC (full/half width), case-folded, katakana as hiragana, without
    spaces or hyphens."""
    folded = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    for dash in _DASHES:
        if dash in folded:
            folded = folded.replace(dash, "")
    # NFKC again: case folding, or a hyphen gone from between a letter and a combining voiced
    # mark (ｶ-ﾞ), may leave what NFKC would still compose.
    folded = unicodedata.normalize("NFKC", folded)
    if _KATAKANA.search(folded):
        folded = folded.translate(_TO_HIRAGANA)
    return folded
