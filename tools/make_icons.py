"""Draw the planner's app icons (planner/static/icon-192.png and icon-512.png), once: a white
tick in a rounded box on the app's blue, in pure Python (no image library for two pictures).

    python tools/make_icons.py

Shapes are signed distance functions, each pixel's coverage worked out from its distance to the
edge, so the edges are smooth without drawing at a larger size. Everything lies within the
middle 80% of the square, which a round or squircle mask keeps (the "maskable" icon).
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "planner" / "static"
BLUE = (0x0A, 0x4F, 0x9E)  # app.css's --accent, the manifest's theme colour
WHITE = (0xFF, 0xFF, 0xFF)
# The tick, as a polyline in units of the icon's side (0..1), and the box around it.
TICK = ((0.335, 0.515), (0.455, 0.635), (0.675, 0.395))
BOX_HALF, BOX_RADIUS, LINE = 0.25, 0.07, 0.055


def _segment(px: float, py: float, a: tuple, b: tuple) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _rounded_box(px: float, py: float) -> float:
    """Signed distance to the box's edge (negative inside)."""
    qx = abs(px - 0.5) - BOX_HALF + BOX_RADIUS
    qy = abs(py - 0.5) - BOX_HALF + BOX_RADIUS
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - BOX_RADIUS


def _white(px: float, py: float, pixel: float) -> float:
    """How much of the pixel at (px, py) is white: the box's outline or the tick."""
    ring = abs(_rounded_box(px, py)) - LINE / 2
    tick = min(_segment(px, py, TICK[0], TICK[1]), _segment(px, py, TICK[1], TICK[2])) - LINE / 2
    edge = min(ring, tick)
    return max(0.0, min(1.0, 0.5 - edge / pixel))


def draw(size: int) -> bytes:
    rows = []
    pixel = 1.0 / size
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            cover = _white((x + 0.5) * pixel, (y + 0.5) * pixel, pixel)
            row += bytes(round(b + (w - b) * cover) for b, w in zip(BLUE, WHITE, strict=True))
        rows.append(bytes(row))
    return _png(size, b"".join(rows))


def _png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    for side in (192, 512):
        (STATIC / f"icon-{side}.png").write_bytes(draw(side))
        print(f"planner/static/icon-{side}.png")
