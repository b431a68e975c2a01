"""The brand kit: ``assets/brand.toml`` of a workspace, over the packaged default kit.

The packaged kit (``contentops/data/brand.toml``, with its ``logo.png``) documents every key; a new
workspace gets a copy. A workspace's kit may leave keys out: each comes from the packaged kit, except
``logo.file`` (a workspace shows its own logo or none). Outside a workspace the packaged kit is used as it
is. ``load_brand`` reads and checks the kit (the first mistake is an error naming the key);
``brand_problems`` lists every mistake, for ``brand check``, including unknown keys (typos).

``[language]`` is read on its own by ``load_language``: calendar checks need the words, not the fonts.
Nothing here reads images or fonts (that is ``contentops.media.kit``), so this module stays light.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ContentOpsError, WorkspaceError
from .workspace import Workspace, _toml_str, read_toml, validate_handle

BRAND_FILE = "brand.toml"
LOGO_FILE = "logo.png"
FRAME = (1080, 1920)  # the frame the kit's pixel sizes are for
COLOUR_KEYS = ("primary", "secondary", "accent", "text", "background")
FONT_KEYS = ("heading", "body")
SAFE_ZONE_KEYS = ("top", "bottom", "left", "right")
CORNERS: tuple[str, ...] = ("top-left", "top-right", "bottom-left", "bottom-right")
CAPTION_KEYS = ("size", "stroke", "colour", "stroke_colour", "highlight")
SCHEMA: dict[str, tuple[str, ...]] = {
    "": ("name", "handle", "colours", "fonts", "logo", "safe_zone", "captions", "language"),
    "colours": COLOUR_KEYS,
    "fonts": FONT_KEYS,
    "logo": ("file", "corner", "scale", "margin"),
    "safe_zone": SAFE_ZONE_KEYS,
    "captions": CAPTION_KEYS,
    "language": ("banned_words", "terms"),
}
MAX_LOGO_SCALE = 0.5
MAX_TEXT = 200  # characters of the name, the handle and each file name
MIN_ROOM = 240  # pixels the safe zone must leave free across and down a 1080x1920 frame
_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class Language:
    """Words the brand never uses, and the right spelling of its terms (``{"Tiktok": "TikTok"}``)."""

    banned_words: tuple[str, ...] = ()
    terms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Problem:
    """One mistake in a brand kit: the key (``colours.accent``), what is wrong and how to fix it."""

    key: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


@dataclass(frozen=True)
class BrandKit:
    """The brand's look. Sizes are pixels of a 1080x1920 frame; fonts None = the built-in Noto Sans."""

    name: str
    handle: str  # "" = no handle on covers
    colours: Mapping[str, str]  # COLOUR_KEYS -> "#RRGGBB"
    heading_font: Path | None
    body_font: Path | None
    logo: Path | None
    logo_corner: str
    logo_scale: float  # logo width / frame width
    logo_margin: int
    safe_zone: Mapping[str, int]  # SAFE_ZONE_KEYS -> pixels
    caption_size: int
    caption_stroke: int
    caption_colour: str
    caption_stroke_colour: str
    caption_highlight: str
    source: Path  # the brand.toml read (the packaged one outside a workspace)
    packaged: bool  # True outside a workspace

    def to_json(self) -> dict[str, Any]:
        def path(p: Path | None) -> str | None:
            return None if p is None else str(p)

        return {
            "source": str(self.source),
            "packaged": self.packaged,
            "name": self.name,
            "handle": self.handle,
            "colours": dict(self.colours),
            "fonts": {"heading": path(self.heading_font), "body": path(self.body_font)},
            "logo": {
                "file": path(self.logo),
                "corner": self.logo_corner,
                "scale": self.logo_scale,
                "margin": self.logo_margin,
            },
            "safe_zone": dict(self.safe_zone),
            "captions": {
                "size": self.caption_size,
                "stroke": self.caption_stroke,
                "colour": self.caption_colour,
                "stroke_colour": self.caption_stroke_colour,
                "highlight": self.caption_highlight,
            },
        }


def brand_path(ws: Workspace) -> Path:
    return ws.assets_dir / BRAND_FILE


def default_kit_dir() -> Path:
    """The folder of the packaged default kit (``brand.toml`` and ``logo.png``)."""
    return Path(str(files("contentops").joinpath("data")))


def _brand_error(path: Path, message: str, hint: str | None = None) -> WorkspaceError:
    return WorkspaceError(f"{path}: {message}", hint=hint or f"fix {path} (see the README's 'Brand kit' section)")


def read_brand(path: Path) -> dict[str, Any]:
    """The parsed brand kit file; a missing file is an empty kit."""
    data = read_toml(path, lambda message: _brand_error(path, message))
    return {} if data is None else data


def kit_template(name: str, handle: str) -> str:
    """The packaged kit's text with the brand's name and handle: a new workspace's ``assets/brand.toml``."""
    text = (default_kit_dir() / BRAND_FILE).read_text(encoding="utf-8")
    text = re.sub(r'(?m)^name = ".*"', lambda _: f"name = {_toml_str(name)}", text, count=1)
    return re.sub(r'(?m)^handle = ""', lambda _: f"handle = {_toml_str(handle)}", text, count=1)


# --- reading ---------------------------------------------------------------------------------------


class _Reader:
    """Reads keys of one merged kit, noting every problem and falling back to the packaged value."""

    def __init__(self, data: dict[str, Any], defaults: dict[str, Any]) -> None:
        self.data = data
        self.defaults = defaults
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str, hint: str) -> None:
        self.problems.append(Problem(key, message, hint))

    def value(self, table: str, key: str) -> Any:
        source = self.data.get(table, {}) if table else self.data
        return source.get(key, self.default(table, key))

    def default(self, table: str, key: str) -> Any:
        return (self.defaults.get(table, {}) if table else self.defaults).get(key)

    @staticmethod
    def label(table: str, key: str) -> str:
        return f"{table}.{key}" if table else key

    def text(self, table: str, key: str, hint: str) -> str:
        value = self.value(table, key)
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            shown = f"{len(value):,} characters" if isinstance(value, str) else repr(value)
            self.problem(self.label(table, key), f"must be text of at most {MAX_TEXT} characters, not {shown}", hint)
            return str(self.default(table, key) or "")
        return value.strip()

    def colour(self, table: str, key: str) -> str:
        value = self.value(table, key)
        if not isinstance(value, str) or not _HEX_COLOUR.fullmatch(value.strip()):
            self.problem(
                self.label(table, key),
                f"{value!r} is not a colour",
                'write colours as "#RRGGBB", e.g. "#FE2C55"',
            )
            value = self.default(table, key)
        return value.strip().upper()

    def number(self, table: str, key: str, low: float, high: float) -> float:
        value = self.value(table, key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            self.problem(
                self.label(table, key),
                f"must be a number from {low:g} to {high:g}, not {value!r}",
                f"e.g. {key} = {self.default(table, key)!r}",
            )
            return float(self.default(table, key))
        return float(value)

    def choice(self, table: str, key: str, choices: tuple[str, ...]) -> str:
        value = self.value(table, key)
        if value not in choices:
            hint = f'e.g. {key} = "{self.default(table, key)}"'
            self.problem(self.label(table, key), f"{value!r} is not one of: {', '.join(choices)}", hint)
            return str(self.default(table, key))
        return str(value)


def _merge(data: dict[str, Any], defaults: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """``data`` over ``defaults`` table by table; a table that is not a table is a problem and is ignored."""
    merged: dict[str, Any] = {k: v for k, v in data.items() if k not in SCHEMA}
    for table in SCHEMA:
        if not table:
            continue
        own = data.get(table, {})
        if not isinstance(own, dict):
            problems.append(Problem(table, f"[{table}] must be a table", f"write it as a [{table}] section"))
            own = {}
        merged[table] = {**defaults.get(table, {}), **own}
        if table == "logo" and "file" not in own:
            merged[table]["file"] = ""  # a workspace shows its own logo or none
    return merged


def _unknown_keys(data: dict[str, Any]) -> list[Problem]:
    found = []
    for table, keys in SCHEMA.items():
        section = data.get(table, {}) if table else data
        if not isinstance(section, dict):
            continue
        for key in section:
            if key in keys:
                continue
            label = f"{table}.{key}" if table else key
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys here: {', '.join(keys)}"
            found.append(Problem(label, "is not a brand kit key (it is ignored)", hint))
    return found


def _parse(ws: Workspace | None) -> tuple[BrandKit, list[Problem]]:
    base = default_kit_dir()
    defaults = read_brand(base / BRAND_FILE)
    if ws is None:
        path, folder, data = base / BRAND_FILE, base, defaults
    else:
        path, folder = brand_path(ws), ws.assets_dir
        data = read_brand(path)
    problems: list[Problem] = []
    merged = _merge(data, defaults, problems) if ws is not None else defaults
    r = _Reader(merged, defaults)
    name = r.text("", "name", 'e.g. name = "Brand ANZ"')
    handle = r.text("", "handle", 'e.g. handle = "@brand.anz"')
    if handle:
        try:
            handle = validate_handle(handle)
        except ContentOpsError as exc:
            r.problem("handle", exc.message, exc.hint or "")
            handle = ""
    elif ws is not None:
        handle = ws.config.handle
    colours = {key: r.colour("colours", key) for key in COLOUR_KEYS}
    fonts = {}
    for key in FONT_KEYS:
        value = r.text("fonts", key, f'a file name in {folder / "fonts"}, e.g. {key} = "Brand-Bold.ttf"')
        fonts[key] = folder / "fonts" / value if value else None
    logo_file = r.text("logo", "file", 'a file name relative to the brand kit, e.g. file = "logo.png"')
    zone = {key: int(r.number("safe_zone", key, 0, 900)) for key in SAFE_ZONE_KEYS}
    if FRAME[0] - zone["left"] - zone["right"] < MIN_ROOM or FRAME[1] - zone["top"] - zone["bottom"] < MIN_ROOM:
        r.problem(
            "safe_zone",
            f"the margins leave {FRAME[0] - zone['left'] - zone['right']}x{FRAME[1] - zone['top'] - zone['bottom']}"
            f" px of a 1080x1920 frame for text; at least {MIN_ROOM}x{MIN_ROOM} is needed",
            "lower the margins (the defaults are top 250, bottom 500, left 120, right 180)",
        )
        zone = {key: int(defaults["safe_zone"][key]) for key in SAFE_ZONE_KEYS}
    kit = BrandKit(
        name=name,
        handle=handle,
        colours=MappingProxyType(colours),
        heading_font=fonts["heading"],
        body_font=fonts["body"],
        logo=folder / logo_file if logo_file else None,
        logo_corner=r.choice("logo", "corner", CORNERS),
        logo_scale=r.number("logo", "scale", 0.01, MAX_LOGO_SCALE),
        logo_margin=int(r.number("logo", "margin", 0, 500)),
        safe_zone=MappingProxyType(zone),
        caption_size=int(r.number("captions", "size", 20, 200)),
        caption_stroke=int(r.number("captions", "stroke", 0, 20)),
        caption_colour=r.colour("captions", "colour"),
        caption_stroke_colour=r.colour("captions", "stroke_colour"),
        caption_highlight=r.colour("captions", "highlight"),
        source=path,
        packaged=ws is None,
    )
    return kit, problems + r.problems


def load_brand(ws: Workspace | None) -> BrandKit:
    """The brand kit of ``ws`` (the packaged kit when None); a mistake is a ``WorkspaceError`` naming its key.

    Font and logo files are not opened here: a missing one is reported where it is used, and by
    ``brand check``."""
    kit, problems = _parse(ws)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more: run 'contentops brand check')" if len(problems) > 1 else ""
        raise _brand_error(kit.source, f"{first}{more}", first.hint)
    return kit


def brand_problems(ws: Workspace | None) -> tuple[BrandKit, list[Problem]]:
    """The kit (mistaken keys replaced by the packaged values) and every mistake in its file, unknown keys and
    ``[language]`` included. The files it names are checked by ``contentops.media.kit.file_problems``."""
    kit, problems = _parse(ws)
    if ws is not None:
        data = read_brand(brand_path(ws))
        problems = _unknown_keys(data) + problems
        try:
            load_language(ws)
        except WorkspaceError as exc:
            problems.append(Problem("language", exc.message.split(": ", 1)[-1], exc.hint or ""))
    return kit, problems


# --- language --------------------------------------------------------------------------------------


def _table(path: Path, data: dict[str, Any], key: str, label: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _brand_error(path, f"[{label}] must be a table")
    return value


def load_language(ws: Workspace) -> Language:
    """Read and check ``[language]`` of the workspace's brand kit (none: no banned words, no terms)."""
    path = brand_path(ws)
    language = _table(path, read_brand(path), "language", "language")
    banned = language.get("banned_words", [])
    if not isinstance(banned, list) or not all(isinstance(w, str) and w.strip() for w in banned):
        raise _brand_error(
            path, "language.banned_words must be a list of non-empty strings", hint='e.g. banned_words = ["cheap"]'
        )
    terms = _table(path, language, "terms", "language.terms")
    for wrong, right in terms.items():
        if not isinstance(right, str) or not right.strip() or not wrong.strip():
            raise _brand_error(
                path,
                f"language.terms: {wrong!r} must map to a non-empty spelling",
                hint='write each term as "Wrong" = "Right", e.g. "Tiktok" = "TikTok"',
            )
        if wrong.strip() == right.strip():
            raise _brand_error(
                path,
                f"language.terms: {wrong!r} maps to itself",
                hint="list the wrong spelling on the left and the right one on the right",
            )
    return Language(
        banned_words=tuple(w.strip() for w in banned),
        terms=MappingProxyType({w.strip(): r.strip() for w, r in terms.items()}),
    )
