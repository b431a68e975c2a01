"""File names made from text people type (post titles, cut-list names), valid everywhere and kept in their folder.

Every output name contentops builds from a title or other user text goes through ``safe_filename``: the
cover of a post (``covers/post-ID-SLUG.png``), a cover or contact sheet named after its title or video,
a clip named by a cut list's ``name`` column or after its source. The result is a plain name that
Windows, macOS and Linux all accept and that stays in the folder it is joined to:

- no path separators or characters Windows refuses (``<>:"/\\|?*``), no control characters, and no
  invisible characters that reorder or hide text (bidirectional overrides, line separators);
- no leading dots or dashes (no hidden files, no ``..``, never taken for a command-line option), no
  trailing dots or spaces (Windows drops them), no runs of dots;
- no names Windows reserves for devices (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM0``-``COM9``,
  ``LPT0``-``LPT9``, with any extension and in any case: ``nul.txt`` too): they get a ``_`` in front;
- Unicode in NFC form (te reo Māori macrons and emoji are kept), at most ``MAX_NAME_CHARS`` characters
  and, with room for a ``-2`` style suffix, at most ``MAX_NAME_BYTES`` bytes in UTF-8 and UTF-16 units
  in the decomposed form macOS uses (each file system's limit for one name is 255 of these).

``unique_filename`` adds ``-2``, ``-3`` ... to a name that another name of the same batch already has,
ignoring case and Unicode form (as Windows and macOS do: ``Summer Drop`` and ``summer drop`` are one
file there). ``slug`` makes the plain ASCII words used in cover names, and ``child_path`` refuses a name
that would leave its folder. ``resolves_inside`` tells whether a stored relative path, with its symbolic
links followed, stays inside its base folder.

Pure functions: nothing here touches a file except ``resolves_inside`` (which only reads links).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from .errors import UsageError

MAX_NAME_BYTES = 255  # one name: UTF-8 bytes on ext4/APFS, UTF-16 units on NTFS/HFS+
MAX_NAME_CHARS = 120  # the whole name, extension and any "-2" suffix included: longer is unreadable anyway
SUFFIX_ROOM = 16  # bytes (and 8 characters) kept free for a suffix added by unique_filename

# Characters Windows refuses in names (macOS and Linux refuse '/'), control characters (C0, DEL, C1),
# and invisible ones that reorder or break the text shown (bidirectional marks and overrides, line and
# paragraph separators).
_UNSAFE = re.compile('[<>:"/\\\\|?*\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+')
# Names Windows reserves for devices, with any extension ("NUL.txt" too), in any case.
_RESERVED = {
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
    *(f"{device}{n}" for device in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")),
}  # fmt: skip


def safe_filename(text: str, extension: str, *, fallback: str) -> str:
    """``text`` as a file name ending in ``extension`` (e.g. ``".mp4"``), safe everywhere (see the module
    docstring). ``text`` already ending in ``extension`` (any case) keeps it once; ``fallback`` is used when
    nothing of ``text`` is left (an empty or all-punctuation title), e.g. ``f"post-{id}"``."""
    ext = extension.lower()
    name = unicodedata.normalize("NFC", text)
    if name.lower().endswith(ext):
        name = name[: -len(ext)]
    stem = _clean(name) or _clean(fallback)
    stem = _fit(stem, MAX_NAME_CHARS - len(ext) - SUFFIX_ROOM // 2, MAX_NAME_BYTES - _size(ext) - SUFFIX_ROOM)
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    return stem + ext


def _clean(text: str) -> str:
    text = " ".join(_UNSAFE.sub("_", text).split())
    return re.sub(r"\.{2,}", ".", re.sub(r"_{2,}", "_", text)).strip("._- ")


def _size(text: str) -> int:
    """The larger of the name's UTF-8 bytes and its UTF-16 units once decomposed (macOS's HFS+ stores NFD)."""
    return max(len(text.encode("utf-8")), len(unicodedata.normalize("NFD", text).encode("utf-16-le")) // 2)


def _fit(stem: str, chars: int, size: int) -> str:
    stem = stem[:chars]
    while _size(stem) > size:
        stem = stem[:-1]
    return stem.rstrip(". -_")


def name_key(name: str) -> str:
    """What a name is on a file system that ignores case and Unicode form (Windows, macOS)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


def unique_filename(name: str, taken: set[str]) -> str:
    """``name``, or ``STEM-2.EXT``, ``STEM-3.EXT`` ... : the first whose ``name_key`` is not in ``taken``
    (which it is then added to). The suffix fits in the room ``safe_filename`` keeps."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = dot + ext
    candidate, n = name, 1
    while name_key(candidate) in taken:
        n += 1
        suffix = f"-{n}"
        short = _fit(stem, MAX_NAME_CHARS - len(ext) - len(suffix), MAX_NAME_BYTES - _size(ext + suffix))
        candidate = f"{short}{suffix}{ext}"
    taken.add(name_key(candidate))
    return candidate


def slug(text: str, limit: int = 40) -> str:
    """``"Tēnā koutou: Summer!"`` -> ``"tena-koutou-summer"``: lower-case ASCII words joined by ``-``, at most
    ``limit`` characters (whole words; a first word longer than that is cut); ``""`` when no word is left."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    kept: list[str] = []
    for word in words:
        if len("-".join([*kept, word])) > limit:
            break
        kept.append(word)
    return "-".join(kept) or (words[0][:limit] if words else "")


def child_path(folder: Path, name: str) -> Path:
    """``folder / name``, refusing a ``name`` that is not one plain name in ``folder`` (``safe_filename``
    never makes one)."""
    folder = folder.absolute()
    target = folder / name
    if name in ("", ".", "..") or target.parent != folder or Path(name).name != name or "\\" in name:
        raise UsageError(f"output name {name!r} would leave {folder}", hint="give a plain file name")
    return target


def resolves_inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, with every symbolic link followed, is ``folder`` or inside it (``folder`` resolved
    too). A dangling link is judged by where it points, a link loop by where the loop starts."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
