"""Draw the application icon with QPainter and write resources/icons/ (PNG and Windows .ico).

The project had no icon; this draws a simple one (a white house in a ring on the city-green
square) so that nothing depends on an image editor or Pillow. Run it again only to change the
design: the PNG and .ico it writes are committed.

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icon.py
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen, QPolygonF

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
GREEN = QColor("#1b6e20")


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(GREEN)
    painter.drawRoundedRect(QRectF(0, 0, s, s), s * 0.18, s * 0.18)
    # The ring: まる (a circle), the whole household seen at once.
    ring = QPen(QColor("white"), max(1.0, s * 0.075))
    painter.setPen(ring)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    margin = s * 0.14
    painter.drawEllipse(QRectF(margin, margin, s - 2 * margin, s - 2 * margin))
    # The house: a roof and a body, with a door cut out.
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    outline = [(0.50, 0.27), (0.74, 0.50), (0.67, 0.50), (0.67, 0.73), (0.33, 0.73), (0.33, 0.50)]
    house = QPainterPath()
    house.addPolygon(QPolygonF([QPointF(s * x, s * y) for x, y in [*outline, (0.26, 0.50)]]))
    house.closeSubpath()
    door = QPainterPath()
    door.addRect(QRectF(s * 0.455, s * 0.58, s * 0.09, s * 0.15))
    painter.drawPath(house.subtracted(door))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[bytes], sizes: tuple[int, ...]) -> bytes:
    """An .ico of PNG-compressed entries (read by Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in zip(sizes, images, strict=True):
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        blobs += png
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    pngs = [png_bytes(draw(size)) for size in ICO_SIZES]
    (ICONS / "marugoto-desktop.png").write_bytes(pngs[-1])
    (ICONS / "marugoto-desktop.ico").write_bytes(ico_bytes(pngs, ICO_SIZES))
    print(f"wrote {ICONS / 'marugoto-desktop.png'} and .ico ({', '.join(map(str, ICO_SIZES))} px)")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
