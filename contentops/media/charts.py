"""Charts of metrics as PNG images, for reports (Pillow is imported in the functions).

``daily_chart`` draws one bar panel per series over the same days, stacked, each with its own axis, in
the brand's colour on white, with Noto Sans (so names with macrons and accents render); unknown days get
a grey ``?`` instead of a bar, since unknown is not zero. ``data_uri`` embeds a PNG in an HTML file.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence

from .fonts import default_font, load_font

SIZE = (1200, 720)
BACKGROUND = "#FFFFFF"
INK = "#333333"
AXIS = "#999999"
GRID = "#E6E6E6"
MARGIN = {"left": 90, "right": 30, "top": 70, "bottom": 46}
PANEL_GAP = 56


def compact(value: float) -> str:
    """``1500`` -> ``1.5k``, ``2000000`` -> ``2M``: axis labels."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:g}"


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten, at least 1) for about ``ticks`` steps up to ``top``."""
    raw = max(top / ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def daily_chart(
    labels: Sequence[str],
    panels: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    colour: str,
    size: tuple[int, int] = SIZE,
) -> bytes:
    """A PNG of one bar panel per ``(name, values)`` over the days ``labels`` (None: unknown)."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    path = default_font()
    title_font, label_font, small = load_font(path, 26), load_font(path, 18), load_font(path, 15)
    draw.text((MARGIN["left"], 22), title, font=title_font, fill=INK)
    left, right = MARGIN["left"], width - MARGIN["right"]
    room = height - MARGIN["top"] - MARGIN["bottom"] - PANEL_GAP * (len(panels) - 1)
    panel_height = room // max(len(panels), 1)
    slot = (right - left) / max(len(labels), 1)
    every = max(1, math.ceil(len(labels) / max(1, (right - left) // 70)))  # day labels that fit
    for n, (name, values) in enumerate(panels):
        top = MARGIN["top"] + n * (panel_height + PANEL_GAP)
        draw.text((left, top), name, font=label_font, fill=INK)
        plot_top, base = top + 30, top + panel_height - 24
        known = [v for v in values if v is not None]
        step = nice_step(max(known, default=0))
        ceiling = step * max(1, math.ceil(max(known, default=0) / step))
        tick = 0.0
        while tick <= ceiling:
            y = base - (base - plot_top) * tick / ceiling
            draw.line([(left, y), (right, y)], fill=GRID if tick else AXIS, width=1)
            draw.text((left - 8, y), compact(tick), font=small, fill=INK, anchor="rm")
            tick += step
        for i, value in enumerate(values):
            middle = left + slot * (i + 0.5)
            if value is None:
                draw.text((middle, base - 4), "?", font=label_font, fill=AXIS, anchor="mb")
            elif value > 0:
                half = max(1.0, slot * 0.3)
                y = base - (base - plot_top) * value / ceiling
                draw.rectangle([(middle - half, y), (middle + half, base - 1)], fill=colour)
            if i % every == 0:
                draw.text((middle, base + 6), labels[i], font=small, fill=INK, anchor="mt")
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    """``png`` as a ``data:`` URI, for an ``<img src>`` inside a self-contained HTML file."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
