"""The brand kit's files: its fonts and logo, checked and opened (Pillow is imported in the functions).

``open_image`` is the one way contentops reads a picture a user gives it (a logo, a cover background): it
accepts common still formats only, refuses decompression bombs (Pillow only warns below twice its pixel
limit; here the limit is an error) and images it cannot decode, each as a one-line ``MediaError``.

The kit's own files (``font_file``, ``logo_file``) are checked before any render: they must be inside the
kit's folder once symbolic links are followed (a kit shared in the workspace reads only its own files), the
fonts must load and the logo must decode.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ..brand import BrandKit, Problem
from ..errors import ContentOpsError, MediaError, NotFoundError, ValidationError
from ..names import resolves_inside

if TYPE_CHECKING:
    from PIL.Image import Image

    from ..workspace import Workspace

IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
MAX_PIXELS = 89_478_485  # Pillow's own default limit (about 9,500 x 9,500)


def font_file(kit: BrandKit, which: str) -> Path | None:
    """The kit's ``heading`` or ``body`` font file, checked (see ``_kit_file``) and readable as a font; None for
    the built-in Noto Sans."""
    from .fonts import load_font

    path = kit.heading_font if which == "heading" else kit.body_font
    if path is None:
        return None
    fix = f'put the font file there, or set [fonts] {which} = "" in {kit.source} for the built-in Noto Sans'
    _kit_file(kit, path, f"{which} font", fix)
    load_font(path, 32)
    return path


def logo_file(kit: BrandKit, other_way: str) -> Path | None:
    """The kit's logo file, checked by ``logo_image`` (so a damaged logo or an image bomb is refused before any
    render); None if the kit has none (``other_way``: how to go on)."""
    return None if logo_image(kit, other_way) is None else kit.logo


def logo_image(kit: BrandKit, other_way: str) -> Image | None:
    """The kit's logo checked (see ``_kit_file``) and decoded by ``open_image``; None if the kit has none."""
    if kit.logo is None:
        return None
    _kit_file(kit, kit.logo, "logo", f"put the file there, fix [logo] file in {kit.source}, or {other_way}")
    return open_image(kit.logo, "logo")


def _kit_file(kit: BrandKit, path: Path, what: str, fix: str) -> None:
    """Refuse a file the kit names that is missing (``NotFoundError``, with ``fix`` as the hint) or that leads
    outside the kit's folder, by ``..`` or a symbolic link (``MediaError``): a kit shared with the workspace
    reads only its own files."""
    folder = kit.source.parent
    if not resolves_inside(path, folder):
        raise MediaError(
            f"the brand kit's {what} {path} leads outside {folder}, to {os.path.realpath(path)}",
            hint=f"copy the file into {folder} and name it from there in {kit.source}",
        )
    if not path.is_file():
        raise NotFoundError(f"the brand kit's {what} {path} is missing", hint=fix)


def open_image(path: Path, what: str = "image", *, draft: tuple[int, int] | None = None) -> Image:
    """The picture at ``path``, decoded (RGBA if it has transparency, else RGB). ``draft`` lets a JPEG decode at
    a reduced scale no smaller than that size (much faster for camera photos)."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    hint = f"use a PNG, JPEG or WebP {what} of at most {MAX_PIXELS // 1_000_000} megapixels"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(path, formats=IMAGE_FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise PILImage.DecompressionBombError(f"{width}x{height} pixels")
                if draft is not None and image.format == "JPEG":
                    image.draft("RGB", draft)
                image.seek(0)
                has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                return image.convert("RGBA" if has_alpha else "RGB")
    except FileNotFoundError:
        raise NotFoundError(f"{what} {path} not found", hint="check the path") from None
    except IsADirectoryError:
        raise MediaError(f"{what} {path} is a folder, not an image", hint=hint) from None
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise MediaError(f"{what} {path} is too large to open safely ({exc})", hint=hint) from None
    except UnidentifiedImageError:
        raise MediaError(f"{what} {path} is not an image contentops can read", hint=hint) from None
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or damaged data
        raise MediaError(f"{what} {path} cannot be decoded: {exc}", hint=hint) from None


def file_problems(kit: BrandKit) -> list[Problem]:
    """Problems with the files the kit names: fonts that are missing, outside the kit or unreadable, a logo
    that is missing, outside the kit, unreadable or too small to see."""
    problems = []
    for key in ("heading", "body"):
        try:
            font_file(kit, key)
        except ContentOpsError as exc:
            problems.append(Problem(f"fonts.{key}", exc.message, exc.hint or ""))
    try:
        image = logo_image(kit, "remove the key for no logo")
        if image is not None and min(image.size) < 16:
            problems.append(
                Problem("logo.file", f"the logo is only {image.width}x{image.height} pixels", "use at least 256 px")
            )
    except ContentOpsError as exc:
        problems.append(Problem("logo.file", exc.message, exc.hint or ""))
    return problems


def check_kit(ws: Workspace | None) -> tuple[BrandKit, list[Problem]]:
    """``brand check``: every problem with the kit's keys and with the files it names."""
    from ..brand import brand_problems

    kit, problems = brand_problems(ws)
    return kit, problems + file_problems(kit)


def raise_for_problems(kit: BrandKit, problems: list[Problem]) -> None:
    """A ``ValidationError`` (exit 3) when ``problems`` is not empty."""
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise ValidationError(f"the brand kit {kit.source} has {count}", hint="fix the keys listed above")
