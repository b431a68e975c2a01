"""The brand kit's files: its fonts and logo, checked and opened (Pillow is imported in the functions).

``open_image`` is the one way contentops reads a picture a user gives it (a logo, a cover background): it
accepts common still formats only, refuses decompression bombs (Pillow only warns below twice its pixel
limit; here the limit is an error) and images it cannot decode, each as a one-line ``MediaError``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ..brand import BrandKit, Problem
from ..errors import ContentOpsError, MediaError, NotFoundError, ValidationError

if TYPE_CHECKING:
    from PIL.Image import Image

    from ..workspace import Workspace

IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
MAX_PIXELS = 89_478_485  # Pillow's own default limit (about 9,500 x 9,500)


def font_file(kit: BrandKit, which: str) -> Path | None:
    """The kit's ``heading`` or ``body`` font file, or None for the built-in Noto Sans; a missing file is an error."""
    path = kit.heading_font if which == "heading" else kit.body_font
    if path is not None and not path.is_file():
        raise NotFoundError(
            f"the brand kit's {which} font {path} is missing",
            hint=f'put the font file there, or set [fonts] {which} = "" in {kit.source} for the built-in Noto Sans',
        )
    return path


def logo_file(kit: BrandKit, other_way: str) -> Path | None:
    """The kit's logo file, or None if it has none; a missing file is an error (``other_way``: how to go on)."""
    if kit.logo is not None and not kit.logo.is_file():
        raise NotFoundError(
            f"the brand kit's logo {kit.logo} is missing",
            hint=f"put the file there, fix [logo] file in {kit.source}, or {other_way}",
        )
    return kit.logo


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
    """Problems with the files the kit names: fonts that are missing or unreadable, a logo that is missing,
    unreadable or too small to see."""
    from .fonts import load_font

    problems = []
    for key in ("heading", "body"):
        try:
            path = font_file(kit, key)
            if path is not None:
                load_font(path, 32)
        except ContentOpsError as exc:
            problems.append(Problem(f"fonts.{key}", exc.message, exc.hint or ""))
    try:
        logo = logo_file(kit, "remove the key for no logo")
        if logo is not None:
            image = open_image(logo, "logo")
            if min(image.size) < 16:
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
