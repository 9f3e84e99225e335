"""What every test of a document checks: the PDF reads cleanly, its fonts travel with it, and
its text (as a reader extracts it) holds what it should."""

from __future__ import annotations

import re
from io import BytesIO

import pikepdf
from pypdf import PdfReader


def read(data: bytes, password: str | None = None) -> PdfReader:
    reader = PdfReader(BytesIO(data), strict=True)
    if password is not None:
        assert reader.decrypt(password)
    return reader


def page_texts(data: bytes, password: str | None = None) -> list[str]:
    return [page.extract_text() for page in read(data, password).pages]


def plain(text: str) -> str:
    """Extracted text without the line breaks and spaces wrapping put in."""
    return re.sub(r"\s+", "", text)


def fonts(data: bytes, password: str | None = None) -> dict[str, bool]:
    """Every font the pages use, and whether its program is embedded in the file."""
    found: dict[str, bool] = {}
    for page in read(data, password).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found[str(font["/BaseFont"])] = embedded
    return found


def qpdf_problems(data: bytes, password: str | None = None) -> list[str]:
    """What `qpdf --check` reports of the document (pikepdf runs qpdf's own checks, step by
    step as QPDFJob::doCheck does), warnings included; empty when it is clean."""
    with pikepdf.open(BytesIO(data), password=password or "") as pdf:
        return list(pdf.check_pdf_syntax())


def check_document(data: bytes, password: str | None = None) -> str:
    """The document's text, once it has passed the checks every document must pass."""
    assert data.startswith(b"%PDF-")
    assert qpdf_problems(data, password) == []
    texts = page_texts(data, password)
    used = fonts(data, password)
    assert used and all(used.values()), used
    # Subsets (AAAAAA+…) of the two Morisawa faces, nothing a reader would have to supply.
    assert all(re.fullmatch(r"/[A-Z]{6}\+BIZUDP?Gothic-(Regular|Bold)", name) for name in used)
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert "取扱注意" in text
        assert f"{number} / {total}" in text
        assert "作成：" in text
    return "\n".join(texts)
