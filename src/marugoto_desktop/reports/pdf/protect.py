"""Password protection of a finished PDF: AES-256 (PDF 2.0, revision 6) with pypdf.

reportlab encrypts with RC4 or, as a beta needing the unmaintained pure-Python pyaes, with
the deprecated AES-256 revision 5 (one unsalted SHA-256 round per password guess). pypdf writes
revision 6, whose password check is the iterated hash of PDF 2.0, through `cryptography`.
"""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader, PdfWriter

ALGORITHM = "AES-256"


def protect(pdf: bytes, password: str) -> bytes:
    """The same document, opening only with `password`."""
    if not password:
        raise ValueError("an empty password would protect nothing")
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    writer.encrypt(password, algorithm=ALGORITHM)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
