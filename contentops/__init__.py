"""contentops: the command-line workbench of a brand's TikTok team in Australia and New Zealand.

The library is usable from Python::

    from contentops import find_workspace, add_post
    ws = find_workspace("path/to/workspace")
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "find_workspace": "workspace",
    "init_workspace": "workspace",
    "Workspace": "workspace",
    "Store": "store",
    "add_campaign": "calendar_ops",
    "add_post": "calendar_ops",
    "edit_post": "calendar_ops",
    "list_posts": "calendar_ops",
    "move_post": "calendar_ops",
    "remove_post": "calendar_ops",
    "show_post": "calendar_ops",
    "transition": "calendar_ops",
    "add_slot": "slots",
    "fill_slots": "slots",
    "list_slots": "slots",
    "remove_slot": "slots",
    "check_calendar": "lint",
    "export_calendar": "exchange",
    "import_calendar": "exchange",
    "Selection": "bulk",
    "bulk_hashtags": "bulk",
    "bulk_transition": "bulk",
    "shift_posts": "bulk",
    "add_tagset": "reuse",
    "list_tagsets": "reuse",
    "remove_tagset": "reuse",
    "show_tagset": "reuse",
    "add_template": "reuse",
    "list_templates": "reuse",
    "remove_template": "reuse",
    "show_template": "reuse",
    "ContentOpsError": "errors",
}


def __getattr__(name: str) -> Any:  # lazy, so importing the package stays cheap
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'contentops' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"contentops.{module}"), name)


__all__ = sorted(_LAZY)
