"""Branded cover thumbnails drawn with Pillow.

A cover is a template size (``cover`` 1080x1920, ``square`` 1080x1080, ``landscape`` 1920x1080) filled with a
picture (cover-cropped: scaled to fill, centre kept) under a darkening gradient, or with the brand's
background colour. Inside the text box (the brand kit's safe zone on ``cover``; a margin of 8 % of the
shorter side on the other two, which TikTok's interface does not cover) sit, from the bottom up: the
account handle, the subtitle, the title and an accent bar in the brand's accent colour. The title is set in
the heading font at the largest size (line height) from ``TITLE_MAX`` down to ``TITLE_MIN`` at which it
wraps into at most ``max_lines`` lines inside the box, with an outline; the subtitle likewise in the body
font, in at most two lines. The block is centred in the box (so a short title stays clear of captions burned
into the bottom of a clip's frames). The logo sits in its corner; the text box gives way to it.

Characters a font lacks (emoji, other scripts, macrons missing from a brand font) are drawn in the first
of the fallback fonts (Noto Sans, Noto Emoji, Noto Sans Symbols and the Noto Sans script fonts of
``manimgx-fonts``) that has them; a character none has is drawn as the font's empty box, never a crash.
After drawing, the title's actual ink is checked against the text box: a glyph that reaches outside it
(a tall accent, an emoji) sets the title one step smaller.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..brand import BrandKit
from ..errors import UsageError
from .captions import Token, snippet, split_lines, split_words, tokenize
from .fonts import ass_em_ratio, default_font, emoji_font
from .kit import font_file, logo_file

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageFont import FreeTypeFont

TEMPLATES: dict[str, tuple[int, int]] = {"cover": (1080, 1920), "square": (1080, 1080), "landscape": (1920, 1080)}
TITLE_MAX, TITLE_MIN, TITLE_STEP = 160, 56, 4  # title line height in pixels (for a 1080-pixel short side)
SUBTITLE_MAX, SUBTITLE_MIN = 60, 36
HANDLE_SIZE = 52
MAX_LINES = 4
GAP = 24  # between the parts of the text block
ACCENT = (160, 14)  # accent bar width and height
MARGIN_SHARE = 0.08  # text margin of square and landscape covers, of the shorter side
FALLBACK_FILES = ("NotoSansSymbols[wght].ttf", "NotoSansArabic[wght].ttf", "NotoSansHebrew[wght].ttf",
                  "NotoSansDevanagari[wght].ttf", "NotoSansThai[wght].ttf", "NotoSansBengali[wght].ttf",
                  "NotoSansTamil[wght].ttf", "NotoSansGeorgian[wght].ttf", "NotoSansArmenian[wght].ttf",
                  "NotoSansEthiopic[wght].ttf", "NotoSansKhmer[wght].ttf", "NotoSansLao[wght].ttf",
                  "NotoSansMyanmar[wght].ttf", "NotoSansSinhala[wght].ttf")  # fmt: skip


@dataclass(frozen=True)
class Face:
    """A font file and, for a variable font, the named weight to use (``Bold``)."""

    path: Path
    weight: str | None = None


@dataclass(frozen=True)
class CoverLook:
    """What a cover takes from the brand kit."""

    heading: Face
    body: Face
    text: str  # "#RRGGBB"
    accent: str
    background: str
    outline: str
    handle: str
    logo: Path | None
    logo_corner: str = "top-right"
    logo_scale: float = 0.18
    logo_margin: int = 40
    safe_zone: tuple[int, int, int, int] = (250, 500, 120, 180)  # top, bottom, left, right of 1080x1920


def cover_look(kit: BrandKit, *, logo: bool = True) -> CoverLook:
    """The cover look of ``kit``; its font and logo files must exist."""
    heading = font_file(kit, "heading")
    body = font_file(kit, "body")
    mark = logo_file(kit, "use --no-logo") if logo else None
    return CoverLook(
        heading=Face(heading) if heading else Face(default_font(), "Bold"),
        body=Face(body) if body else Face(default_font()),
        text=kit.colours["text"],
        accent=kit.colours["accent"],
        background=kit.colours["background"],
        outline=kit.caption_stroke_colour,
        handle=kit.handle,
        logo=mark,
        logo_corner=kit.logo_corner,
        logo_scale=kit.logo_scale,
        logo_margin=kit.logo_margin,
        safe_zone=tuple(kit.safe_zone[k] for k in ("top", "bottom", "left", "right")),  # type: ignore[arg-type]
    )


Box = tuple[int, int, int, int]  # left, top, right, bottom (right and bottom exclusive)


@dataclass
class CoverLayout:
    """Where the parts of a cover went (pixels of the cover): for ``--json`` and for tests."""

    template: str
    size: tuple[int, int]
    text_box: Box
    title_size: int
    title_lines: list[str]
    title_box: Box  # the title's ink
    subtitle_lines: list[str] = field(default_factory=list)
    accent_box: Box | None = None
    logo_box: Box | None = None
    handle_box: Box | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "width": self.size[0],
            "height": self.size[1],
            "title_size": self.title_size,
            "title_lines": self.title_lines,
            "subtitle_lines": self.subtitle_lines,
            "text_box": list(self.text_box),
            "title_box": list(self.title_box),
            "accent_box": list(self.accent_box) if self.accent_box else None,
            "logo_box": list(self.logo_box) if self.logo_box else None,
        }


def template_size(template: str) -> tuple[int, int]:
    if template not in TEMPLATES:
        raise UsageError(f"unknown template {template!r}", hint=f"use one of: {', '.join(TEMPLATES)}")
    return TEMPLATES[template]


def text_box(template: str, look: CoverLook) -> Box:
    """The box text stays in, before the logo is taken out of it."""
    width, height = template_size(template)
    if template == "cover":
        top, bottom, left, right = look.safe_zone
        return left, top, width - right, height - bottom
    margin = round(min(width, height) * MARGIN_SHARE)
    return margin, margin, width - margin, height - margin


# --- fonts and text --------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def face_font(face: Face, size: int) -> FreeTypeFont:
    """``face`` at line height ``size`` (the same sizing as captions: ascent + descent = size)."""
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(str(face.path), size * ass_em_ratio(face.path))
    except OSError as exc:
        raise UsageError(f"{face.path} is not a font Pillow can read: {exc}", hint="use a .ttf or .otf file") from None
    if face.weight:  # not a variable font, or no such weight: use it as it is
        with contextlib.suppress(OSError, ValueError):
            font.set_variation_by_name(face.weight)
    return font


@lru_cache(maxsize=1)
def fallback_paths() -> tuple[Path, ...]:
    folder = default_font().parent
    extra = [folder / name for name in FALLBACK_FILES if (folder / name).is_file()]
    return tuple(p for p in (default_font(), emoji_font(), *extra) if p is not None)


def chain(face: Face) -> tuple[Face, ...]:
    """``face``, then the fallbacks (in ``face``'s weight, where they have it)."""
    faces = [face] + [Face(p, face.weight) for p in fallback_paths()]
    return tuple(dict.fromkeys(faces))


def _runs(line: Sequence[Token]) -> list[tuple[int, str]]:
    runs: list[tuple[int, str]] = []
    for token in line:
        if runs and runs[-1][0] == token.font:
            runs[-1] = (token.font, runs[-1][1] + token.char)
        else:
            runs.append((token.font, token.char))
    return runs


def _width(tokens: Sequence[Token], faces: Sequence[Face], size: int) -> float:
    return sum(face_font(faces[i], size).getlength(text) for i, text in _runs(tokens))


def wrap(tokens: Sequence[Token], faces: Sequence[Face], size: int, room: float) -> list[list[Token]] | str:
    """Greedy word wrap into lines no wider than ``room``; a word wider than ``room`` is returned instead."""
    space = face_font(faces[0], size).getlength(" ")
    lines: list[list[Token]] = []
    for forced in split_lines(tokens):
        line: list[Token] = []
        used = 0.0
        for word in split_words(forced):
            width = _width(word, faces, size)
            if width > room:
                return "".join(t.char for t in word)
            if line and used + space + width <= room:
                line += [Token(" ", " ", 0, None), *word]
                used += space + width
            else:
                if line:
                    lines.append(line)
                line, used = list(word), width
        lines.append(line)
    return [line for line in lines if line]


def _outline(size: int) -> int:
    return max(2, round(size * 0.04))


@dataclass
class _Text:
    faces: tuple[Face, ...]
    size: int
    lines: list[list[Token]]

    @property
    def height(self) -> int:
        return len(self.lines) * self.size + 2 * _outline(self.size)

    def plain(self) -> list[str]:
        return ["".join(t.char for t in line) for line in self.lines]


def fit_text(text: str, face: Face, sizes: Sequence[int], room: float, tall: int, max_lines: int) -> _Text | str:
    """The first of ``sizes`` at which ``text`` wraps into at most ``max_lines`` lines of width ``room`` (less the
    outline) and height ``tall``; otherwise the reason it does not fit."""
    faces = chain(face)
    tokens = tokenize(text, [f.path for f in faces])
    reason = "it needs more lines than fit"
    for size in sizes:
        lines = wrap(tokens, faces, size, room - 2 * _outline(size))
        if isinstance(lines, str):
            reason = f"the word {lines!r} is wider than the text box"
            continue
        fitted = _Text(faces, size, lines)
        if len(lines) <= max_lines and fitted.height <= tall:
            return fitted
        reason = f"it needs {len(lines)} lines" if len(lines) > max_lines else "it is taller than the text box"
    return reason


def _draw_text(canvas: Image, fitted: _Text, x: int, top: int, fill: str, outline: str | None) -> None:
    """Draw ``fitted`` left-aligned at ``x``, its first line box starting at ``top``."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(canvas)
    size = fitted.size
    stroke = _outline(size) if outline else 0
    ascent_share = _ascent_share(fitted.faces[0])
    baseline = top + stroke + ascent_share * size
    for line in fitted.lines:
        cursor = float(x + stroke)
        runs = []
        for index, text in _runs(line):
            font = face_font(fitted.faces[index], size)
            runs.append((cursor, text, font))
            cursor += font.getlength(text)
        if stroke:
            for rx, text, font in runs:
                draw.text((rx, baseline), text, font=font, fill=outline, anchor="ls", stroke_width=stroke,
                          stroke_fill=outline)  # fmt: skip
        for rx, text, font in runs:
            draw.text((rx, baseline), text, font=font, fill=fill, anchor="ls")
        baseline += size


@lru_cache(maxsize=32)
def _ascent_share(face: Face) -> float:
    ascent, descent = face_font(face, 1000).getmetrics()
    return ascent / (ascent + descent)


# --- the cover -------------------------------------------------------------------------------------


def cover_fill(picture: Image, size: tuple[int, int]) -> Image:
    """``picture`` scaled to fill ``size`` and cropped to it around the centre (RGB)."""
    from PIL import Image as PILImage

    width, height = picture.size
    scale = max(size[0] / width, size[1] / height)
    crop_w, crop_h = size[0] / scale, size[1] / scale
    left, top = (width - crop_w) / 2, (height - crop_h) / 2
    box = (left, top, left + crop_w, top + crop_h)
    return picture.convert("RGB").resize(size, PILImage.Resampling.BICUBIC, box=box, reducing_gap=2.0)


def _darken(canvas: Image, block: tuple[int, int]) -> None:
    """Darken the picture for legibility: 30 % everywhere, rising to 75 % behind the text block (rows
    ``block``) over a fifth of the height on either side."""
    from PIL import Image as PILImage

    width, height = canvas.size
    ramp = max(1, height // 5)
    column = []
    for y in range(height):
        distance = max(block[0] - y, y - block[1], 0)
        column.append(round(255 * (0.3 + 0.45 * max(0.0, 1 - distance / ramp))))
    mask = PILImage.frombytes("L", (1, height), bytes(column)).resize((width, height))
    canvas.paste((0, 0, 0), (0, 0, width, height), mask)


def _logo_mark(look: CoverLook, logo: Image, size: tuple[int, int]) -> tuple[Image, Box]:
    """The logo scaled for a ``size`` cover (``logo_scale`` of the shorter side wide) and its box in its corner."""
    width, height = size
    short = min(width, height)
    margin = round(look.logo_margin * short / 1080)
    mark = _scaled(logo, max(2, round(short * look.logo_scale)))
    x = width - mark.width - margin if look.logo_corner.endswith("right") else margin
    y = height - mark.height - margin if look.logo_corner.startswith("bottom") else margin
    return mark, (x, y, x + mark.width, y + mark.height)


_SCALED: dict[tuple[int, int], tuple[Image, Image]] = {}  # (id(logo), width) -> (logo, scaled logo)


def _scaled(logo: Image, width: int) -> Image:
    """``logo`` resized to ``width`` (aspect kept); kept for the next cover of a batch. The cache holds the
    logo itself, so its id cannot be reused by another image while the entry exists."""
    from PIL import Image as PILImage

    key = (id(logo), width)
    cached = _SCALED.get(key)
    if cached is None or cached[0] is not logo:
        if len(_SCALED) >= 8:
            _SCALED.clear()
        height = max(2, round(logo.height * width / logo.width))
        cached = _SCALED[key] = (logo, logo.resize((width, height), PILImage.Resampling.BICUBIC))
    return cached[1]


def render_cover(
    title: str,
    look: CoverLook,
    *,
    subtitle: str = "",
    template: str = "cover",
    picture: Image | None = None,
    logo: Image | None = None,
    max_lines: int = MAX_LINES,
) -> tuple[Image, CoverLayout]:
    """Draw a cover. ``picture`` is the background (None: the brand background colour); ``logo`` the decoded
    logo (``look.logo`` opened by the caller, so a batch opens it once). Raises ``UsageError`` for a title
    or subtitle that does not fit even at the smallest size."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    title, subtitle = title.strip(), subtitle.strip()
    if not title:
        raise UsageError("the cover needs a title", hint='give one with --title "..."')
    if max_lines < 1:
        raise UsageError(f"--lines {max_lines}: a title needs at least one line", hint="use --lines 1 or more")
    size = template_size(template)
    canvas = cover_fill(picture, size) if picture is not None else PILImage.new("RGB", size, look.background)
    left, top, right, bottom = text_box(template, look)
    logo_at = mark = None
    if logo is not None:
        mark, logo_at = _logo_mark(look, logo, size)
        if logo_at[0] < right and logo_at[2] > left:
            if look.logo_corner.startswith("top"):
                top = max(top, logo_at[3] + GAP)
            else:
                bottom = min(bottom, logo_at[1] - GAP)
    unit = min(size) / 1080
    gap = round(GAP * unit)
    cursor = bottom
    handle_fit = subtitle_fit = None
    if look.handle:
        handle_fit = fit_text(look.handle, look.body, [round(HANDLE_SIZE * unit)], right - left, 10**6, 1)
        if isinstance(handle_fit, _Text):
            cursor -= handle_fit.height + gap
        else:
            handle_fit = None  # a handle always fits one line; never refuse a cover over it
    if subtitle:
        sizes = range(round(SUBTITLE_MAX * unit), round(SUBTITLE_MIN * unit) - 1, -4)
        subtitle_fit = fit_text(subtitle, look.body, sizes, right - left, cursor - top, 2)
        if isinstance(subtitle_fit, str):
            raise UsageError(
                f"the subtitle {snippet(subtitle)!r} does not fit in two lines even at {sizes[-1]}px: {subtitle_fit}",
                hint="shorten the subtitle",
            )
        cursor -= subtitle_fit.height + gap
    accent_h = round(ACCENT[1] * unit)
    room_top = top + accent_h + gap
    sizes = list(range(round(TITLE_MAX * unit), round(TITLE_MIN * unit) - 1, -TITLE_STEP))
    while True:
        title_fit = fit_text(title, look.heading, sizes, right - left, cursor - room_top, max_lines)
        if isinstance(title_fit, str):
            raise UsageError(
                f"the title {snippet(title)!r} does not fit the {template} cover even at {round(TITLE_MIN * unit)}px"
                f" in {max_lines} line(s): {title_fit}",
                hint="shorten the title, allow more lines with --lines, or drop the subtitle",
            )
        # The title is drawn on a layer over the room it may take, plus a margin to catch ink reaching out.
        pad = title_fit.size
        origin = (left - pad, room_top - pad)
        layer = PILImage.new("RGBA", (right - left + 2 * pad, cursor - room_top + 2 * pad), (0, 0, 0, 0))
        title_top = cursor - title_fit.height
        _draw_text(layer, title_fit, pad, title_top - origin[1], look.text, look.outline)
        drawn = layer.getbbox() or (pad, pad, pad + 1, pad + 1)
        ink = (drawn[0] + origin[0], drawn[1] + origin[1], drawn[2] + origin[0], drawn[3] + origin[1])
        if ink[0] >= left and ink[1] >= room_top and ink[2] <= right and ink[3] <= cursor:
            break
        sizes = [s for s in sizes if s < title_fit.size]  # a glyph reached out of the box: one size smaller
    # The block (accent bar to handle) was fitted against the bottom of the box: centre it in the box.
    shift = -((ink[1] - gap - accent_h - top) // 2)
    ink = (ink[0], ink[1] + shift, ink[2], ink[3] + shift)
    if picture is not None:
        _darken(canvas, (ink[1] - gap - accent_h, bottom + shift))
    canvas.paste(layer, (origin[0], origin[1] + shift), layer)
    accent_top = ink[1] - gap - accent_h
    accent = (left, accent_top, left + round(ACCENT[0] * unit), accent_top + accent_h)
    ImageDraw.Draw(canvas).rectangle((accent[0], accent[1], accent[2] - 1, accent[3] - 1), fill=look.accent)
    below = cursor + gap + shift
    if subtitle_fit is not None:
        _draw_text(canvas, subtitle_fit, left, below, look.text, look.outline)
        below += subtitle_fit.height + gap
    handle_box = None
    if handle_fit is not None:
        _draw_text(canvas, handle_fit, left, below, look.accent, None)
        handle_box = (left, below, right, below + handle_fit.height)
    if mark is not None and logo_at is not None:
        canvas.paste(mark, logo_at[:2], mark if mark.mode == "RGBA" else None)
    layout = CoverLayout(
        template=template,
        size=size,
        text_box=(left, top, right, bottom),
        title_size=title_fit.size,
        title_lines=title_fit.plain(),
        title_box=ink,
        subtitle_lines=subtitle_fit.plain() if subtitle_fit else [],
        accent_box=accent,
        logo_box=logo_at,
        handle_box=handle_box,
    )
    return canvas, layout
