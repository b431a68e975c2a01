"""Cut lists: the CSV file that ``clip batch`` (and recap) read, one clip per row.

Columns (header row required, any order, names case-insensitive)::

    source,start,end,name,caption,srt,frame,post

Only ``source``, ``start`` and ``end`` are required; any other column name is refused. The file is UTF-8
(a byte-order mark, as Excel writes, is fine). Paths (``source``, ``srt``) are relative to the cut list's
folder; times are ``SS.s``, ``MM:SS.s`` or ``HH:MM:SS.s``; ``frame`` is one of ``FRAME_MODES`` (default
``crop``); ``post`` is the id of a post to attach the clip to.

Problems of the file as a whole (missing, not UTF-8, a bad header) raise a ``UsageError``. Problems of one
row do not: they are collected in ``CutRow.errors`` (each message names the row and the column), so the
other rows can still be rendered. Rows are numbered by the line of the file they start on (the header is
row 1), which is the spreadsheet's row number unless a cell above spans several lines.

Output names are ``name`` or ``<source stem>-<start>-<end>`` (e.g. ``keynote-1m15.5s-1m30s.mp4``), made
safe on Windows, macOS and Linux by ``safe_name`` and unique (case-insensitively) by ``unique_names``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import NotFoundError, UsageError
from .job import FRAME_MODES
from .timecode import parse_timecode

COLUMNS: tuple[str, ...] = ("source", "start", "end", "name", "caption", "srt", "frame", "post")
REQUIRED: tuple[str, ...] = ("source", "start", "end")
DEFAULT_FRAME = "crop"
EXTENSION = ".mp4"
MAX_NAME_CHARS = 120  # the whole file name, extension and any "-2" suffix included
MAX_NAME_BYTES = 240  # UTF-8 bytes: most file systems allow 255 per name
HINT_COLUMNS = f"the columns are: {','.join(COLUMNS)} (source, start and end are required)"

# Characters Windows refuses in names (macOS and Linux refuse '/'), and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
# Names Windows reserves for devices, with any extension ("NUL.txt" too), in any case.
_RESERVED = {
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
    *(f"{device}{n}" for device in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")),
}  # fmt: skip


@dataclass(frozen=True)
class CutRow:
    """One row of a cut list. With ``errors`` the row cannot be rendered; the other fields then hold
    what could be read (``None`` for what could not)."""

    line: int  # the line of the file the row starts on (the header is line 1)
    name: str  # the output file name (safe and unique within the cut list)
    source: Path | None
    start: float | None
    end: float | None
    caption: str | None = None
    srt: Path | None = None
    frame: str = DEFAULT_FRAME
    post: int | None = None
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def read_cutlist(path: Path | str) -> list[CutRow]:
    """The rows of the cut list at ``path`` (blank rows left out), in file order."""
    path = Path(path)
    label = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"cut list {label} not found", hint="check the path of the CSV file") from None
    except IsADirectoryError:
        raise UsageError(f"{label} is a folder, not a cut list", hint="give the path of the CSV file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"cut list {label} is not UTF-8 text (byte {exc.start + 1})",
            hint="save it as 'CSV UTF-8' (Excel) or UTF-8 text",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise UsageError(f"cut list {label} is empty", hint=f"start with a header row; {HINT_COLUMNS}")
        columns = _columns(label, header)
        folder = path.parent.absolute()
        rows: list[CutRow] = []
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(_row(line, columns, cells, folder))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise UsageError(
            f"cut list {label} row {reader.line_num}: not valid CSV ({exc})",
            hint='put a cell that holds commas, quotes or line breaks in double quotes, and double its quotes ("")',
        ) from None
    return unique_names(rows)


def _columns(label: str, header: list[str]) -> list[str]:
    columns = [cell.strip().lower() for cell in header]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        shown = ", ".join(repr(c) if c else "(a blank header)" for c in unknown)
        raise UsageError(f"cut list {label} row 1: unknown column {shown}", hint=HINT_COLUMNS)
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise UsageError(f"cut list {label} row 1: column {', '.join(repeated)} given twice", hint=HINT_COLUMNS)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise UsageError(f"cut list {label} row 1: no {', '.join(missing)} column", hint=HINT_COLUMNS)
    return columns


def _row(line: int, columns: list[str], cells: list[str], folder: Path) -> CutRow:
    errors: list[str] = []

    def problem(column: str, message: str) -> None:
        errors.append(f"row {line}, column {column}: {message}")

    if len(cells) > len(columns):
        errors.append(f"row {line}: {len(cells)} cells, but the header has {len(columns)} columns")
    values = {c: v.strip() for c, v in zip(columns, cells, strict=False)}
    caption = values.get("caption") or None  # line breaks inside are kept: they are forced breaks

    def file(column: str) -> Path | None:
        text = values.get(column, "")
        if not text:
            return None
        found = folder / Path(text).expanduser()
        if found.is_dir():
            problem(column, f"{text} is a folder, not a file")
        elif not found.exists():
            problem(column, f"no such file: {text} (looked in {found.parent})")
        return found

    def time(column: str) -> float | None:
        text = values.get(column, "")
        if not text:
            problem(column, "no time given")
            return None
        try:
            return parse_timecode(text)
        except UsageError as exc:
            problem(column, f"{exc.message}; {exc.hint}")
            return None

    source = file("source")
    if not values.get("source"):
        problem("source", "no source video given")
    start, end = time("start"), time("end")
    if start is not None and end is not None and start >= end:
        problem("end", f"the end ({values['end']}) is not after the start ({values['start']})")
    srt = file("srt")
    if caption and srt:
        problem("caption", "give a caption or an srt file, not both")
    frame = (values.get("frame") or DEFAULT_FRAME).lower()
    if frame not in FRAME_MODES:
        problem("frame", f"unknown frame mode {values['frame']!r} (use {', '.join(FRAME_MODES)})")
    post = None
    if values.get("post"):
        raw = values["post"].lstrip("#")
        if raw.isdigit() and int(raw) > 0:
            post = int(raw)
        else:
            problem("post", f"{values['post']!r} is not a post id (a number, as 'contentops post list' shows)")
    name = values.get("name") or default_name(values.get("source", ""), values.get("start", ""), values.get("end", ""))
    return CutRow(
        line=line,
        name=safe_name(name, fallback=f"row-{line}"),
        source=source,
        start=start,
        end=end,
        caption=caption,
        srt=srt,
        frame=frame,
        post=post,
        errors=tuple(errors),
    )


def _stamp(text: str) -> str:
    """A cut time for a file name: ``75.5`` -> ``1m15.5s``, ``3725`` -> ``1h02m05s`` (unreadable times as typed)."""
    try:
        seconds = parse_timecode(text)
    except UsageError:
        return text
    hours, rest = divmod(round(seconds * 1000), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, millis = divmod(rest, 1000)
    fraction = f".{millis:03d}".rstrip("0") if millis else ""
    if hours:
        return f"{hours}h{minutes:02d}m{whole:02d}{fraction}s"
    if minutes:
        return f"{minutes}m{whole:02d}{fraction}s"
    return f"{whole}{fraction}s"


def default_name(source: str, start: str, end: str) -> str:
    """``<source stem>-<start>-<end>``, e.g. ``keynote-1m15.5s-1m30s`` (sanitised later by ``safe_name``)."""
    stem = Path(source.replace("\\", "/")).stem if source else ""
    return f"{stem}-{_stamp(start)}-{_stamp(end)}" if stem else ""


def safe_name(name: str, *, fallback: str = "clip") -> str:
    """A file name (with ``.mp4``) that is safe on Windows, macOS and Linux and stays in its folder.

    No path separators or characters Windows refuses, no leading dots (no hidden files, no ``..``), no
    trailing dots or spaces, no reserved device names (``CON``, ``NUL.txt``, ``COM1`` ...), Unicode in
    NFC form (as macOS and Linux then agree), at most ``MAX_NAME_CHARS`` characters and
    ``MAX_NAME_BYTES`` bytes. A name ending in ``.mp4`` keeps it; any other text is the stem."""
    text = unicodedata.normalize("NFC", name)
    if text.lower().endswith(EXTENSION):
        text = text[: -len(EXTENSION)]
    text = " ".join(_UNSAFE.sub("_", text).split())
    text = re.sub(r"\.{2,}", ".", re.sub(r"_{2,}", "_", text)).strip("._- ")
    text = _fit(text, MAX_NAME_CHARS - len(EXTENSION) - 4)  # room for a "-999" suffix
    if not text:
        text = fallback
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = "_" + text
    return text + EXTENSION


def _fit(text: str, chars: int) -> str:
    text = text[:chars]
    while len(text.encode("utf-8")) > MAX_NAME_BYTES - 16:
        text = text[:-1]
    return text.rstrip(". ")


def unique_names(rows: list[CutRow]) -> list[CutRow]:
    """Rows whose names differ case-insensitively: a repeated name gets ``-2``, ``-3`` ... in row order."""
    taken: set[str] = set()
    out: list[CutRow] = []
    for row in rows:
        stem = row.name[: -len(EXTENSION)]
        name, n = row.name, 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}-{n}{EXTENSION}"
        taken.add(name.casefold())
        out.append(row if name == row.name else replace(row, name=name))
    return out


def output_path(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would leave the folder (``safe_name`` never makes one)."""
    folder = out_dir.absolute()
    target = folder / name
    if target.parent != folder or name in ("", ".", "..") or Path(name).name != name:
        raise UsageError(f"output name {name!r} would leave {folder}", hint="give a plain file name")
    return target
