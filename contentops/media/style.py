"""A clip's look from the brand kit: ``clip_style(ws, frame=..., caption_mode=..., logo=...)``.

Inside a workspace the kit is ``assets/brand.toml`` (over the packaged defaults; fonts from
``assets/fonts/``, logo relative to ``assets/``); outside one it is the packaged default kit in
``contentops/data/`` (see ``contentops.brand.load_brand``). Captions use the body font and ``[captions]``;
``--frame fit`` pads with ``[colours] background``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..brand import load_brand
from ..errors import UsageError
from .captions import MODES, CaptionStyle, SafeZone
from .job import FRAME_MODES, ClipStyle, Logo
from .kit import font_file, logo_file

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
    kit = load_brand(ws)
    captions = CaptionStyle(
        font=font_file(kit, "body"),
        size=kit.caption_size,
        min_size=max(1, kit.caption_size // 2),
        colour=kit.caption_colour,
        highlight=kit.caption_highlight,
        outline_colour=kit.caption_stroke_colour,
        outline=kit.caption_stroke,
        safe_zone=SafeZone(**kit.safe_zone),
    )
    mark = None
    if logo and logo_file(kit, "use --no-logo") is not None:
        mark = Logo(kit.logo, kit.logo_corner, kit.logo_scale, kit.logo_margin)
    return ClipStyle(
        frame=frame, caption_mode=caption_mode, captions=captions, background=kit.colours["background"], logo=mark
    )
