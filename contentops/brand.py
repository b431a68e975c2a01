"""The brand kit: ``assets/brand.toml`` of a workspace.

Only its ``[language]`` table is read here so far::

    [language]
    banned_words = ["cheap", "guaranteed"]   # whole words, any case
    [language.terms]                          # wrong spelling -> right spelling, exact case
    "Tiktok" = "TikTok"

A workspace without ``brand.toml`` (or without ``[language]``) has no banned words and no terms.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import WorkspaceError
from .workspace import Workspace

BRAND_FILE = "brand.toml"


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
