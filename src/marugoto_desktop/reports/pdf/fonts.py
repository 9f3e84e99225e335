"""BIZ UDGothic and BIZ UDPGothic (Morisawa, SIL OFL 1.1), registered with reportlab once.

Registration parses four 4.6 MB TrueType files, a noticeable fraction of a second, so it
happens on the first document and never again; reportlab then embeds in each PDF only the
glyphs that document uses (subsets).
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ...paths import fonts_dir

# Proportional (P) for text; fixed-width for figures, whose digits then line up in columns.
TEXT = "BIZUDPGothic"
TEXT_BOLD = "BIZUDPGothic-Bold"
FIGURES = "BIZUDGothic"
FIGURES_BOLD = "BIZUDGothic-Bold"

_FILES = {
    TEXT: "BIZUDPGothic-Regular.ttf",
    TEXT_BOLD: "BIZUDPGothic-Bold.ttf",
    FIGURES: "BIZUDGothic-Regular.ttf",
    FIGURES_BOLD: "BIZUDGothic-Bold.ttf",
}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Make the four faces known to reportlab (once per process; safe from any thread)."""
    global _registered
    with _lock:
        if _registered:
            return
        folder = fonts_dir()
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        # <b> in a paragraph picks the bold face of its family.
        for regular, bold in ((TEXT, TEXT_BOLD), (FIGURES, FIGURES_BOLD)):
            addMapping(regular, 0, 0, regular)
            addMapping(regular, 1, 0, bold)
            addMapping(regular, 0, 1, regular)
            addMapping(regular, 1, 1, bold)
        _registered = True
