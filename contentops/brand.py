"""The brand kit: ``assets/brand.toml`` of a workspace.

``[language]`` (``load_language``)::

    [language]
    banned_words = ["cheap", "guaranteed"]   # whole words, any case
    [language.terms]                          # wrong spelling -> right spelling, exact case
    "Tiktok" = "TikTok"

A workspace without ``brand.toml`` (or without ``[language]``) has no banned words and no terms.

The look of video (``load_video_kit``): ``[colours]`` primary/secondary/background/text (``#RRGGBB``),
``[fonts]`` caption (a file in ``assets/fonts/``), ``[logo]`` file/corner/scale/margin and ``[safe_zone]``
top/bottom/left/right (pixels of a 1080x1920 frame). Every key the workspace does not set comes from the
packaged default kit (``contentops/data/brand.toml``), except the logo: a workspace shows its own logo
or none. Outside a workspace the packaged kit is used as it is, with its own logo.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import WorkspaceError
from .workspace import Workspace

BRAND_FILE = "brand.toml"
COLOUR_KEYS = ("primary", "secondary", "background", "text")
SAFE_ZONE_KEYS = ("top", "bottom", "left", "right")
MAX_LOGO_SCALE = 0.5
_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class Language:
    """Words the brand never uses, and the right spelling of its terms (``{"Tiktok": "TikTok"}``)."""

    banned_words: tuple[str, ...] = ()
    terms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def brand_path(ws: Workspace) -> Path:
    return ws.assets_dir / BRAND_FILE


def _brand_error(path: Path, message: str, hint: str | None = None) -> WorkspaceError:
    return WorkspaceError(f"{path}: {message}", hint=hint or f"fix {path} (see the README's 'Brand kit' section)")


def read_brand(path: Path) -> dict[str, Any]:
    """The parsed brand kit file; a missing file is an empty kit."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _brand_error(path, f"not valid TOML: {exc}") from None


def _table(path: Path, data: dict[str, Any], key: str, label: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _brand_error(path, f"[{label}] must be a table")
    return value


def load_language(ws: Workspace) -> Language:
    """Read and check ``[language]`` of the workspace's brand kit."""
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


@dataclass(frozen=True)
class VideoKit:
    """The brand's look on video. Sizes are pixels of a 1080x1920 frame."""

    colours: Mapping[str, str]  # primary, secondary, background, text: "#RRGGBB"
    caption_font: str  # a file name in assets/fonts/; "" = the only font there, else the default font
    logo: Path | None  # None = no logo
    logo_corner: str
    logo_scale: float  # logo width / frame width
    logo_margin: int
    safe_zone: Mapping[str, int]  # top, bottom, left, right
    assets_dir: Path | None  # the workspace's assets folder (brand fonts); None for the packaged kit


def default_kit_dir() -> Path:
    """The folder of the packaged default kit (``brand.toml`` and ``logo.png``)."""
    return Path(str(files("contentops").joinpath("data")))


def load_video_kit(ws: Workspace | None) -> VideoKit:
    """The video kit of ``ws``'s brand kit over the packaged defaults, or the packaged kit (``ws`` None)."""
    base = default_kit_dir()
    kit = _read_video_kit(base / BRAND_FILE, read_brand(base / BRAND_FILE), base, None)
    if ws is None:
        return kit
    path = brand_path(ws)
    return _read_video_kit(path, read_brand(path), ws.assets_dir, kit)


def _number(path: Path, table: dict[str, Any], key: str, label: str, default: float, low: float, high: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _brand_error(path, f"{label}.{key} must be a number from {low:g} to {high:g}, not {value!r}")
    return value


def _read_video_kit(path: Path, data: dict[str, Any], base: Path, defaults: VideoKit | None) -> VideoKit:
    colours_table = _table(path, data, "colours", "colours")
    colours = {}
    for key in COLOUR_KEYS:
        value = colours_table.get(key, defaults.colours[key] if defaults else None)
        if not isinstance(value, str) or not _HEX_COLOUR.fullmatch(value.strip()):
            raise _brand_error(path, f'colours.{key} must be a colour like "#FE2C55", not {value!r}')
        colours[key] = value.strip().upper()
    font = _table(path, data, "fonts", "fonts").get("caption", defaults.caption_font if defaults else "")
    if not isinstance(font, str):
        raise _brand_error(
            path, "fonts.caption must be a font file name in assets/fonts/", hint='e.g. caption = "Brand.ttf"'
        )
    logo_table = _table(path, data, "logo", "logo")
    logo_file = logo_table.get("file", "")
    if not isinstance(logo_file, str):
        raise _brand_error(path, "logo.file must be a file name", hint=f'e.g. file = "logo.png" (in {base})')
    from .media.job import CORNERS

    corner = logo_table.get("corner", defaults.logo_corner if defaults else "top-right")
    if corner not in CORNERS:
        raise _brand_error(path, f"logo.corner {corner!r} is not a corner", hint=f"use one of: {', '.join(CORNERS)}")
    scale = _number(path, logo_table, "scale", "logo", defaults.logo_scale if defaults else 0.18, 0.01, MAX_LOGO_SCALE)
    margin = _number(path, logo_table, "margin", "logo", defaults.logo_margin if defaults else 40, 0, 500)
    zone_table = _table(path, data, "safe_zone", "safe_zone")
    zone = {
        key: int(_number(path, zone_table, key, "safe_zone", defaults.safe_zone[key] if defaults else 0, 0, 900))
        for key in SAFE_ZONE_KEYS
    }
    return VideoKit(
        colours=MappingProxyType(colours),
        caption_font=font.strip(),
        logo=base / logo_file.strip() if logo_file.strip() else None,
        logo_corner=corner,
        logo_scale=float(scale),
        logo_margin=int(margin),
        safe_zone=MappingProxyType(zone),
        assets_dir=base if defaults is not None else None,
    )
