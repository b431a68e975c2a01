"""A clip's look from the brand kit: ``clip_style(ws, frame=..., caption_mode=..., logo=...)``.

Inside a workspace the kit is ``assets/brand.toml`` (over the packaged defaults; caption font from
``assets/fonts/``, logo relative to ``assets/``); outside one it is the packaged default kit in
``contentops/data/`` (see ``contentops.brand.load_video_kit``). Caption text uses ``[colours] text``,
the highlighted word ``primary``, ``--frame fit`` pads with ``background``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..brand import load_video_kit
from ..errors import NotFoundError, UsageError
from .captions import MODES, CaptionStyle, SafeZone
from .fonts import brand_font
from .job import FRAME_MODES, ClipStyle, Logo

if TYPE_CHECKING:
    from ..workspace import Workspace


def clip_style(
    ws: Workspace | None, *, frame: str = "crop", caption_mode: str = "static", logo: bool = True
) -> ClipStyle:
    """The clip style of ``ws``'s brand kit (the packaged kit when ``ws`` is None).

    ``logo=False`` leaves the logo out; a kit without a logo file gives no logo either way."""
    if frame not in FRAME_MODES:
        raise UsageError(f"unknown frame mode {frame!r}", hint=f"use one of: {', '.join(FRAME_MODES)}")
    if caption_mode not in MODES:
        raise UsageError(f"unknown caption style {caption_mode!r}", hint=f"use one of: {', '.join(MODES)}")
    kit = load_video_kit(ws)
    font = brand_font(kit.assets_dir, kit.caption_font) if kit.assets_dir is not None else None
    captions = CaptionStyle(
        font=font,
        colour=kit.colours["text"],
        highlight=kit.colours["primary"],
        safe_zone=SafeZone(**kit.safe_zone),
    )
    mark = None
    if logo and kit.logo is not None:
        if not kit.logo.is_file():
            raise NotFoundError(
                f"the brand kit's logo {kit.logo} is missing",
                hint="put the file there, fix [logo] file in assets/brand.toml, or use --no-logo",
            )
        mark = Logo(kit.logo, kit.logo_corner, kit.logo_scale, kit.logo_margin)
    return ClipStyle(
        frame=frame, caption_mode=caption_mode, captions=captions, background=kit.colours["background"], logo=mark
    )
