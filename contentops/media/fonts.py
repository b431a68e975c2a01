"""Fonts for text on video: the packaged default, the emoji fallback and the brand's own font.

The default is Noto Sans with Noto Emoji (monochrome) as fallback, both from the ``manimgx-fonts``
package (SIL Open Font License 1.1, licence in its dist-info), so captions render te reo Māori
macrons, accented names and emoji on a machine without any system fonts. A brand font is one file
in the workspace's ``assets/fonts/``, named by the brand kit.

libass (ffmpeg's ``subtitles`` filter) finds fonts by family name in one folder (``fontsdir=``):
``font_dir_for`` builds that folder, holding exactly the fonts a caption uses, in the cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
DEFAULT_FILE = "NotoSans[wght].ttf"
EMOJI_FILE = "NotoEmoji[wght].ttf"


def _packaged(name: str) -> Path:
    return Path(str(files("manimgx_fonts").joinpath(name)))


def default_font() -> Path:
    """Noto Sans: Latin with every macron and accent, Greek, Cyrillic."""
    path = _packaged(DEFAULT_FILE)
    if not path.is_file():
        raise NotFoundError(f"the default font {path} is missing", hint="reinstall contentops (pip install .)")
    return path


def emoji_font() -> Path | None:
    """Noto Emoji (one colour, so outlines and brand colours apply), or None if it is not installed."""
    path = _packaged(EMOJI_FILE)
    return path if path.is_file() else None


@lru_cache(maxsize=64)
def load_font(path: Path, size: float) -> FreeTypeFont:
    """A Pillow font (Pillow is imported here, never at module level)."""
    from PIL import ImageFont

    try:
        return ImageFont.truetype(str(path), size)
    except OSError as exc:
        raise UsageError(f"{path} is not a font Pillow can read: {exc}", hint="use a .ttf or .otf file") from None


def font_family(path: Path) -> str:
    """The family name libass matches (``Fontname`` and ``\\fn``), e.g. ``Noto Sans``."""
    return load_font(path, 16).getname()[0] or path.stem


@lru_cache(maxsize=4096)
def has_glyph(path: Path, char: str) -> bool:
    """True if the font draws ``char`` itself (a missing glyph draws the same box as an unmapped code point)."""
    font = load_font(path, 32)
    return bytes(font.getmask(char)) != bytes(font.getmask("\ue000"))


def sfnt_tables(data: bytes) -> dict[bytes, int]:
    start = struct.unpack(">I", data[12:16])[0] if data[:4] == b"ttcf" else 0  # first face of a collection
    count = struct.unpack(">H", data[start + 4 : start + 6])[0]
    tables = {}
    for i in range(count):
        entry = start + 12 + 16 * i
        tag, _, offset, _ = struct.unpack(">4sIII", data[entry : entry + 16])
        tables[tag] = offset
    return tables


@lru_cache(maxsize=32)
def ass_em_ratio(path: Path) -> float:
    """Em size / ASS font size: libass (like VSFilter) sizes a font so usWinAscent + usWinDescent = the size."""
    data = path.read_bytes()
    try:
        tables = sfnt_tables(data)
        head, os2 = tables[b"head"], tables[b"OS/2"]
        units_per_em = struct.unpack(">H", data[head + 18 : head + 20])[0]
        win_ascent, win_descent = struct.unpack(">HH", data[os2 + 74 : os2 + 78])
        return units_per_em / (win_ascent + win_descent)
    except (KeyError, struct.error, ZeroDivisionError):
        ascent, descent = load_font(path, 1000).getmetrics()  # libass falls back to these metrics too
        return 1000 / (ascent + descent)


def _cache_root() -> Path:
    from ..keydates import cache_path

    return cache_path().parent / "fonts"


def font_dir_for(brand: Path | None) -> Path:
    """A folder for ``fontsdir=`` with the brand font (if any), the default and the emoji font.

    Built once per set of font files (keyed by path, size and modification time) under the cache
    folder, atomically, so parallel renders can share it.
    """
    fonts = [p for p in (brand, default_font(), emoji_font()) if p is not None]
    if brand is not None and font_family(brand) == font_family(default_font()):
        fonts.remove(default_font())  # one face per family, so libass cannot pick the other one
    key = hashlib.sha256()
    for path in fonts:
        st = path.stat()
        key.update(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    folder = _cache_root() / key.hexdigest()[:16]
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".fonts-", dir=folder.parent))
    for i, path in enumerate(fonts):
        link = tmp / f"{i}-{path.name.replace('[', '').replace(']', '')}"
        try:
            link.symlink_to(path.resolve())
        except OSError:  # no symlinks (Windows without developer mode)
            shutil.copyfile(path, link)
    try:
        os.replace(tmp, folder)
    except OSError:  # another process built it first
        shutil.rmtree(tmp, ignore_errors=True)
    return folder
